import { sql } from 'kysely';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { demoCatalog } from '../data/demo-catalog.js';
import type { CatalogContext } from './catalog-context.js';
import { newProductId } from './product.js';

/**
 * Fills an empty catalog with the demo shop in one transaction of a few batch inserts. Processes
 * starting together queue on a lock and all but the first find the catalog filled.
 */
export async function seedDemoCatalog(ctx: CatalogContext): Promise<{ products: number; categories: number }> {
  const seeded = await ctx.outbox.transaction(async (trx, emit) => {
    await sql`select pg_advisory_xact_lock(hashtextextended('catalog.seed-demo', 0))`.execute(trx);
    if (await trx.selectFrom('products').select('id').limit(1).executeTakeFirst())
      return { products: 0, categories: 0 };

    const now = ctx.clock.now().getTime();
    const products = demoCatalog.flatMap((category) =>
      category.products.map((product) => ({ ...product, category: category.slug })),
    );
    // Spaced a second apart so that "newest" shows a stable, intended order.
    const rows = products.map((product, i) => ({
      ...product,
      id: newProductId(),
      at: new Date(now - (products.length - i) * 1000),
    }));

    await trx
      .insertInto('categories')
      .values(demoCatalog.map((c) => ({ slug: c.slug, name: c.name, created_at: new Date(now) })))
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
    await trx
      .insertInto('products')
      .values(
        rows.map((r) => ({
          id: r.id,
          sku: r.sku,
          name: r.name,
          description: r.description,
          price_amount: r.price,
          created_at: r.at,
          updated_at: r.at,
        })),
      )
      .execute();
    await trx
      .insertInto('product_categories')
      .values(rows.map((r) => ({ product_id: r.id, category_slug: r.category })))
      .execute();
    await trx
      .insertInto('inventory')
      .values(rows.map((r) => ({ product_id: r.id, on_hand: r.stock })))
      .execute();
    await emit(
      rows.map((r) =>
        catalogEvent('product.created', {
          productId: r.id,
          sku: r.sku,
          name: r.name,
          price: { amount: r.price, currency: ctx.currency },
        }),
      ),
    );
    return { products: rows.length, categories: demoCatalog.length };
  });
  if (seeded.products > 0) await ctx.cache.productsChanged([]);
  return seeded;
}
