import type { ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import { findProductRows } from '../data/product-repository.js';
import type { CatalogContext } from './catalog-context.js';

/** Current name, price and stock of the given products, for other services (the cart). */
export async function lookUpProducts(ctx: CatalogContext, ids: string[]): Promise<ProductSnapshot[]> {
  const unique = [...new Set(ids)];
  const rows = await findProductRows(ctx.db, unique, { activeOnly: false });
  return rows.map((row) => ({
    id: row.id,
    sku: row.sku,
    name: row.name,
    price: { amount: row.price_amount, currency: ctx.currency },
    available: Math.max(0, row.available),
    active: row.active,
  }));
}
