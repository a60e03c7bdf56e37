import type { CartContext } from './cart-context.js';
import { afterOrderPlaced } from './cart.js';

/**
 * Clocks of two processes may disagree a little: lines changed up to this long after the order
 * was placed (by the orders service's clock) count as read by the checkout.
 */
export const clockSkewAllowanceMs = 2_000;

/**
 * An order took the cart: the lines it read go, lines changed after checkout stay. Repeating it
 * changes nothing, so a redelivered event or a retried handler is harmless.
 */
export async function emptyOrderedCart(ctx: CartContext, userId: string, placedAt: Date): Promise<void> {
  const cutoff = new Date(placedAt.getTime() + clockSkewAllowanceMs);
  await ctx.store.update(userId, (cart) => afterOrderPlaced(cart, cutoff, ctx.clock.now()));
}
