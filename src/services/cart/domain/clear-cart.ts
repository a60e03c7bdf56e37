import type { CartContext } from './cart-context.js';

/** Empties the cart (deletes it): nothing is left to expire. */
export async function clearCart(ctx: CartContext, userId: string): Promise<void> {
  await ctx.store.clear(userId);
}
