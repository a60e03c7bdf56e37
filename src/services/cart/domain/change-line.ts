import type { Cart } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CartContext } from './cart-context.js';
import { goneFrom, lookUp, viewOf } from './cart-view.js';
import type { StoredCart } from './cart.js';

export type LineChange = (cart: StoredCart, now: Date, gone: Set<string>) => StoredCart;

/**
 * The story of every change to one line: look up the line's product while the cart is read, then
 * the cart's other products, if any (404 product_not_found when `productId` is not sold and
 * `mustBeSold`), apply the change atomically (lines of products no longer sold are dropped on the
 * way), and answer the cart at current prices.
 */
export async function changeLine(
  ctx: CartContext,
  userId: string,
  productId: string,
  mustBeSold: boolean,
  change: LineChange,
): Promise<Cart> {
  const [before, product] = await Promise.all([ctx.store.read(userId), lookUp(ctx, [productId])]);
  const catalog = await lookUp(
    ctx,
    before.lines.map((l) => l.productId),
    product,
  );
  if (mustBeSold && !catalog.get(productId)?.active) {
    throw new AppError('product_not_found', `No product ${productId} is for sale.`, { productId });
  }
  const gone = goneFrom(
    catalog,
    before.lines.map((l) => l.productId).filter((id) => id !== productId),
  );
  const after = await ctx.store.update(userId, (cart) => change(cart, ctx.clock.now(), gone), before);
  return viewOf(ctx, after, catalog);
}
