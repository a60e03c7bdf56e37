import type { Cart } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import { viewOf } from './cart-view.js';

/** The user's cart at current prices; an empty cart when there is none. */
export async function getCart(ctx: CartContext, userId: string): Promise<Cart> {
  return viewOf(ctx, await ctx.store.read(userId));
}
