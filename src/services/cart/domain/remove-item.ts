import type { Cart } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CartContext } from './cart-context.js';
import { setLine } from './cart.js';
import { changeLine } from './change-line.js';

/** Removes a line; 404 not_found when the cart has no line for the product. */
export function removeItem(ctx: CartContext, userId: string, productId: string): Promise<Cart> {
  return changeLine(ctx, userId, productId, false, (cart, now, gone) => {
    if (!cart.lines.some((l) => l.productId === productId)) {
      throw new AppError('not_found', `The cart has no line for product ${productId}.`, { productId });
    }
    return setLine(cart, productId, 0, now, gone);
  });
}
