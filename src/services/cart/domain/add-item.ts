import type { AddCartItemRequest, Cart } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import { addToLine } from './cart.js';
import { changeLine } from './change-line.js';

/** Adds units of a product on sale to its line (a new line when there is none). */
export function addItem(ctx: CartContext, userId: string, { productId, quantity }: AddCartItemRequest): Promise<Cart> {
  return changeLine(ctx, userId, productId, true, (cart, now, gone) => addToLine(cart, productId, quantity, now, gone));
}
