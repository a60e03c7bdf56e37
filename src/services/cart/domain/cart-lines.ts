import type { CartLineRef } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import { getCart } from './get-cart.js';

/** The lines the user sees, for checkout: products no longer sold are left out as in the cart view. */
export async function cartLines(ctx: CartContext, userId: string): Promise<CartLineRef[]> {
  const cart = await getCart(ctx, userId);
  return cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
}
