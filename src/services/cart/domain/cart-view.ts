import type { Cart } from '../../../contracts/api/cart-api.js';
import type { ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import type { CartContext } from './cart-context.js';
import type { StoredCart } from './cart.js';

export type Catalog = Map<string, ProductSnapshot>;

/** The products of `ids` the catalog knows (archived ones included), in one call; none for none. */
export async function lookUp(ctx: CartContext, ids: string[], known: Catalog = new Map()): Promise<Catalog> {
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  if (missing.length === 0) return known;
  const found = await ctx.products.productsByIds(missing);
  return new Map([...known, ...found.map((p) => [p.id, p] as const)]);
}

/** Products the catalog no longer sells: archived, or unknown to it. */
export const goneFrom = (catalog: Catalog, ids: string[]): Set<string> =>
  new Set(ids.filter((id) => !catalog.get(id)?.active));

/** The cart at current catalog prices; lines of products no longer sold are left out. */
export function priceCart(cart: StoredCart, catalog: Catalog, currency: string): Cart {
  const items = cart.lines.flatMap((line) => {
    const product = catalog.get(line.productId);
    if (!product?.active) return [];
    return [
      {
        productId: product.id,
        sku: product.sku,
        name: product.name,
        unitPrice: product.price,
        quantity: line.quantity,
        lineTotal: { amount: product.price.amount * line.quantity, currency: product.price.currency },
      },
    ];
  });
  return {
    items,
    subtotal: { amount: items.reduce((sum, i) => sum + i.lineTotal.amount, 0), currency },
    itemCount: items.reduce((sum, i) => sum + i.quantity, 0),
    updatedAt: cart.updatedAt,
  };
}

/** Prices a cart just read or written, looking up only products not already in `known`. */
export async function viewOf(ctx: CartContext, cart: StoredCart, known?: Catalog): Promise<Cart> {
  const catalog = await lookUp(
    ctx,
    cart.lines.map((l) => l.productId),
    known,
  );
  return priceCart(cart, catalog, ctx.currency);
}
