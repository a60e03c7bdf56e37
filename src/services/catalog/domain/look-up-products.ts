import type { ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import { findProductFacts } from '../data/product-repository.js';
import type { CatalogContext } from './catalog-context.js';

/**
 * Current name and price of the given products, for other services (the cart), from the cache
 * when it has them and else in one query for all the others.
 */
export async function lookUpProducts(ctx: CatalogContext, ids: string[]): Promise<ProductSnapshot[]> {
  return ctx.cache.productFacts(ids, async (missing) => {
    const rows = await findProductFacts(ctx.db, missing);
    return rows.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      price: { amount: row.price_amount, currency: ctx.currency },
      active: row.active,
    }));
  });
}
