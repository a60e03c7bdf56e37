import { sql, type Kysely } from 'kysely';
import type { CatalogDb } from './catalog-db.js';

export interface CategoryWithCount {
  slug: string;
  name: string;
  productCount: number;
}

/** The given slugs that name no category. */
export async function missingCategories(db: Kysely<CatalogDb>, slugs: string[]): Promise<string[]> {
  if (slugs.length === 0) return [];
  const found = await db.selectFrom('categories').select('slug').where('slug', 'in', slugs).execute();
  const known = new Set(found.map((c) => c.slug));
  return slugs.filter((slug) => !known.has(slug));
}

/** Every category with the number of active products in it, by name. */
export async function categoriesWithCounts(db: Kysely<CatalogDb>): Promise<CategoryWithCount[]> {
  return db
    .selectFrom('categories as c')
    .leftJoin('product_categories as pc', 'pc.category_slug', 'c.slug')
    .leftJoin('products as p', (join) => join.onRef('p.id', '=', 'pc.product_id').on('p.active', '=', true))
    .select(['c.slug', 'c.name', sql<number>`count(p.id)::int`.as('productCount')])
    .groupBy(['c.slug', 'c.name'])
    .orderBy('c.name')
    .orderBy('c.slug')
    .execute();
}
