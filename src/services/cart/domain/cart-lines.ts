import type { CartLineRef } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import { viewOf } from './cart-view.js';
import type { CheckoutReads } from './checkout-reads.js';

/**
 * The lines the user sees, for checkout: products no longer sold are left out as in the cart view.
 * The cart read is kept in `reads` for taking the order out of it.
 */
export async function cartLines(ctx: CartContext, userId: string, reads: CheckoutReads): Promise<CartLineRef[]> {
  const stored = await ctx.store.read(userId);
  reads.remember(userId, stored);
  const cart = await viewOf(ctx, stored);
  return cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
}
