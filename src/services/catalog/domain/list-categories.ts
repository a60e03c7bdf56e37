import { categoriesWithCounts, type CategoryWithCount } from '../data/category-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { Tagged } from '../data/catalog-cache.js';

/** Every category with its number of active products; cached like the product lists. */
export async function listCategories(ctx: CatalogContext): Promise<Tagged<{ items: CategoryWithCount[] }>> {
  return ctx.cache.list('categories', {}, async () => ({ items: await categoriesWithCounts(ctx.db) }));
}
