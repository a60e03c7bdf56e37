import type { Cart } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import { setLine } from './cart.js';
import { changeLine } from './change-line.js';

/**
 * Sets a line to `quantity`; 0 removes it (and is fine for a line that is not there). Setting
 * a product that is not in the cart yet adds it, so it must be on sale.
 */
export function setItemQuantity(ctx: CartContext, userId: string, productId: string, quantity: number): Promise<Cart> {
  return changeLine(ctx, userId, productId, quantity > 0, (cart, now, gone) =>
    setLine(cart, productId, quantity, now, gone),
  );
}
