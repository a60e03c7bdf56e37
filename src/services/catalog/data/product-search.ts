import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ProductSort } from '../domain/product.js';
import type { CatalogDb } from './catalog-db.js';
import { availableColumn, productColumns, type ProductRow } from './product-repository.js';

export interface ProductFilters {
  q?: string | undefined;
  category?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  inStock?: boolean | undefined;
}

/** Where the previous page ended: the last row's sort key and id. */
export interface Keyset {
  key: string | number;
  id: string;
}

export interface SearchRow extends ProductRow {
  /** The value the list is ordered by (ISO time, price or relevance), for the next cursor. */
  sortKey: string | number;
}

const tsQuery = (q: string) => sql`websearch_to_tsquery('english', ${q})`;

/**
 * One page of active products in a total order (the id breaks ties), continuing after `after`.
 * Each ordering has an index (see the migrations), so a page is an index scan plus a join.
 */
export async function searchProducts(
  db: Kysely<CatalogDb>,
  filters: ProductFilters,
  sort: ProductSort,
  after: Keyset | undefined,
  limit: number,
): Promise<SearchRow[]> {
  const rank = filters.q ? sql<number>`ts_rank(p.search, ${tsQuery(filters.q)})` : sql<number>`0::real`;
  let query = matchingProducts(db, filters, rank).limit(limit);

  switch (sort) {
    case 'newest':
      if (after)
        query = query.where((eb) =>
          eb(eb.refTuple('p.created_at', 'p.id'), '<', eb.tuple(new Date(after.key), after.id)),
        );
      query = query.orderBy('p.created_at', 'desc').orderBy('p.id', 'desc');
      break;
    case 'price_asc':
      if (after)
        query = query.where((eb) =>
          eb(eb.refTuple('p.price_amount', 'p.id'), '>', eb.tuple(Number(after.key), after.id)),
        );
      query = query.orderBy('p.price_amount', 'asc').orderBy('p.id', 'asc');
      break;
    case 'price_desc':
      if (after)
        query = query.where((eb) =>
          eb(eb.refTuple('p.price_amount', 'p.id'), '<', eb.tuple(Number(after.key), after.id)),
        );
      query = query.orderBy('p.price_amount', 'desc').orderBy('p.id', 'desc');
      break;
    case 'relevance':
      // ts_rank is a real; the cursor carries it printed exactly, so the cast gives back the same value.
      if (after) query = query.where(sql<boolean>`(${rank}, p.id) < (${after.key}::real, ${after.id})`);
      query = query.orderBy(sql`rank`, 'desc').orderBy('p.id', 'desc');
      break;
  }

  const rows = await query.execute();
  return rows.map(({ rank: relevance, ...row }) => ({
    ...row,
    sortKey: sortKeyOf(sort, row, relevance),
  }));
}

/** Active products that pass every filter given, with their rank for `q` (0 without one). */
function matchingProducts(db: Kysely<CatalogDb>, filters: ProductFilters, rank: RawBuilder<number>) {
  const { q, category, minPrice, maxPrice, inStock } = filters;
  return db
    .selectFrom('products as p')
    .innerJoin('inventory as i', 'i.product_id', 'p.id')
    .select([...productColumns, availableColumn, rank.as('rank')])
    .where('p.active', '=', true)
    .$if(q !== undefined, (qb) => qb.where(sql<boolean>`p.search @@ ${tsQuery(q ?? '')}`))
    .$if(category !== undefined, (qb) =>
      qb.where((eb) =>
        eb.exists(
          eb
            .selectFrom('product_categories as pc')
            .select(sql`1`.as('one'))
            .whereRef('pc.product_id', '=', 'p.id')
            .where('pc.category_slug', '=', category ?? ''),
        ),
      ),
    )
    .$if(minPrice !== undefined, (qb) => qb.where('p.price_amount', '>=', minPrice ?? 0))
    .$if(maxPrice !== undefined, (qb) => qb.where('p.price_amount', '<=', maxPrice ?? 0))
    .$if(inStock === true, (qb) => qb.whereRef('i.on_hand', '>', 'i.reserved'));
}

function sortKeyOf(sort: ProductSort, row: ProductRow, relevance: number): string | number {
  switch (sort) {
    case 'newest':
      return row.created_at.toISOString();
    case 'price_asc':
    case 'price_desc':
      return row.price_amount;
    case 'relevance':
      return relevance;
  }
}
