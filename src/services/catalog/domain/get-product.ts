import { AppError } from '../../../platform/http/errors.js';
import { loadProduct } from '../data/product-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { Product } from './product.js';
import type { Tagged } from '../data/catalog-cache.js';

/** An active product, from the cache when it is there; archived ones are not found. */
export async function getProduct(ctx: CatalogContext, id: string): Promise<Tagged<Product>> {
  const product = await ctx.cache.product(id, () => loadProduct(ctx.db, id, ctx.currency, { activeOnly: true }));
  if (!product) throw new AppError('not_found', `No product ${id}.`);
  return product;
}
