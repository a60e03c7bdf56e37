import { AppError } from '../../../platform/http/errors.js';
import { hydrateProducts } from '../data/product-repository.js';
import { searchProducts } from '../data/product-search.js';
import type { CatalogContext } from './catalog-context.js';
import { decodeCursor, encodeCursor } from './product-cursor.js';
import type { ProductPage, ProductSort } from './product.js';
import type { Tagged } from '../data/catalog-cache.js';

export interface ListProductsQuery {
  q?: string | undefined;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
  sort?: ProductSort | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A page of active products: filtered, sorted, continuing after the cursor. Cached per query. */
export async function listProducts(ctx: CatalogContext, query: ListProductsQuery): Promise<Tagged<ProductPage>> {
  const q = query.q?.trim() || undefined;
  // Without words to rank by, relevance means nothing; newest is the useful order then.
  const sort: ProductSort = query.sort === 'relevance' && !q ? 'newest' : (query.sort ?? (q ? 'relevance' : 'newest'));
  const { minPrice, maxPrice, category, limit } = query;
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice) {
    throw new AppError('validation_failed', 'minPrice must not be greater than maxPrice.', {
      errors: [{ path: '/querystring/minPrice', message: 'must not be greater than maxPrice' }],
    });
  }
  const after = query.cursor ? decodeCursor(query.cursor, sort) : undefined;
  const filters = { q, category, minPrice, maxPrice, inStock: query.inStock === true ? true : undefined };

  return ctx.cache.list('products', { ...filters, sort, limit, cursor: query.cursor }, async () => {
    // One row more than asked tells whether another page follows.
    const rows = await searchProducts(ctx.db, filters, sort, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await hydrateProducts(ctx.db, page, ctx.currency),
      nextCursor: rows.length > limit && last ? encodeCursor(sort, last.sortKey, last.id) : null,
    };
  });
}
