import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CatalogContext } from './catalog-context.js';

/**
 * Hides a product from the catalog for good, keeping its row for past orders. Archiving an
 * archived product changes nothing.
 */
export async function archiveProduct(ctx: CatalogContext, id: string): Promise<void> {
  const archived = await ctx.outbox.transaction(async (trx, emit) => {
    const row = await trx
      .updateTable('products')
      .set((eb) => ({ active: false, version: eb('version', '+', 1), updated_at: ctx.clock.now() }))
      .where('id', '=', id)
      .where('active', '=', true)
      .returning(['sku'])
      .executeTakeFirst();
    if (!row) {
      const exists = await trx.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) throw new AppError('not_found', `No product ${id}.`);
      return false;
    }
    await emit([catalogEvent('product.archived', { productId: id, sku: row.sku })]);
    return true;
  });
  if (archived) await ctx.cache.productFactsChanged([id]);
}
