import { sql, type Kysely } from 'kysely';
import type { Product } from '../domain/product.js';
import type { CatalogDb } from './catalog-db.js';

/** The columns a product is built from; `available` comes from its inventory row. */
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_amount: number;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  available: number;
}

export const productColumns = [
  'p.id',
  'p.sku',
  'p.name',
  'p.description',
  'p.price_amount',
  'p.active',
  'p.version',
  'p.created_at',
  'p.updated_at',
] as const;

export const availableColumn = sql<number>`i.on_hand - i.reserved`.as('available');

/** Product rows with their stock, in no particular order. */
export async function findProductRows(
  db: Kysely<CatalogDb>,
  ids: string[],
  options: { activeOnly: boolean; forUpdate?: boolean },
): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('products as p')
    .innerJoin('inventory as i', 'i.product_id', 'p.id')
    .select([...productColumns, availableColumn])
    .where('p.id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .$if(options.activeOnly, (q) => q.where('p.active', '=', true))
    .$if(options.forUpdate === true, (q) => q.forUpdate('p'))
    .execute();
}

/** What other services read of products: no stock, so no inventory row. In no particular order. */
export async function findProductFacts(
  db: Kysely<CatalogDb>,
  ids: string[],
): Promise<Pick<ProductRow, 'id' | 'sku' | 'name' | 'price_amount' | 'active'>[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('products')
    .select(['id', 'sku', 'name', 'price_amount', 'active'])
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/**
 * Turns rows into products with one more query for the categories of all of them, whatever
 * their number (a page of 100 costs what a page of 5 does).
 */
export async function hydrateProducts(db: Kysely<CatalogDb>, rows: ProductRow[], currency: string): Promise<Product[]> {
  if (rows.length === 0) return [];
  const links = await db
    .selectFrom('product_categories')
    .select(['product_id', 'category_slug'])
    .where(
      'product_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const categories = new Map<string, string[]>();
  for (const link of links) {
    const list = categories.get(link.product_id) ?? [];
    list.push(link.category_slug);
    categories.set(link.product_id, list);
  }
  // Sorted here, not by the database, so that the order does not depend on its collation.
  return rows.map((row) => toProduct(row, (categories.get(row.id) ?? []).sort(), currency));
}

export function toProduct(row: ProductRow, categories: string[], currency: string): Product {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    price: { amount: row.price_amount, currency },
    categories,
    stock: { available: row.available },
    // Image uploads are not built yet: no product has any.
    images: [],
    active: row.active,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** One product with its categories and stock, or null. */
export async function loadProduct(
  db: Kysely<CatalogDb>,
  id: string,
  currency: string,
  options: { activeOnly: boolean; forUpdate?: boolean },
): Promise<Product | null> {
  const rows = await findProductRows(db, [id], options);
  const [product] = await hydrateProducts(db, rows, currency);
  return product ?? null;
}

/** Replaces a product's categories (slugs already checked to exist). */
export async function setProductCategories(db: Kysely<CatalogDb>, productId: string, slugs: string[]): Promise<void> {
  await db.deleteFrom('product_categories').where('product_id', '=', productId).execute();
  if (slugs.length === 0) return;
  await db
    .insertInto('product_categories')
    .values(slugs.map((slug) => ({ product_id: productId, category_slug: slug })))
    .execute();
}
