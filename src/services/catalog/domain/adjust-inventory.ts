import { sql } from 'kysely';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CatalogContext } from './catalog-context.js';
import { maxStock, type StockLevels } from './product.js';

export interface InventoryAdjustment {
  delta: number;
  reason: string;
  adjustedBy: string | null;
}

/**
 * Counts stock in or out (deliveries, shrinkage, stocktakes). One conditional update, so
 * concurrent reservations can never push on-hand below what they hold.
 */
export async function adjustInventory(
  ctx: CatalogContext,
  productId: string,
  adjustment: InventoryAdjustment,
): Promise<StockLevels> {
  const { delta, reason } = adjustment;
  const levels = await ctx.outbox.transaction(async (trx, emit) => {
    const row = await trx
      .updateTable('inventory')
      .set((eb) => ({ on_hand: eb('on_hand', '+', delta) }))
      .where('product_id', '=', productId)
      // In bigint so that the check itself cannot overflow.
      .where(sql<boolean>`on_hand::bigint + ${delta}::bigint between reserved and ${maxStock}`)
      .returning(['on_hand', 'reserved'])
      .executeTakeFirst();
    if (!row) throw await refusal(productId, delta);
    await trx
      .insertInto('inventory_adjustments')
      .values({ product_id: productId, delta, reason, adjusted_by: adjustment.adjustedBy, created_at: ctx.clock.now() })
      .execute();
    await emit([
      catalogEvent('inventory.adjusted', { productId, delta, reason, onHand: row.on_hand, reserved: row.reserved }),
    ]);
    return { available: row.on_hand - row.reserved, onHand: row.on_hand, reserved: row.reserved };

    async function refusal(id: string, change: number): Promise<AppError> {
      const stock = await trx
        .selectFrom('inventory')
        .select(['on_hand', 'reserved'])
        .where('product_id', '=', id)
        .executeTakeFirst();
      if (!stock) return new AppError('not_found', `No product ${id}.`);
      const result = stock.on_hand + change;
      if (result > maxStock) {
        return new AppError(
          'validation_failed',
          `On hand would be ${result}; the most one product can hold is ${maxStock}.`,
          {
            errors: [{ path: '/delta', message: `would take on-hand above ${maxStock}` }],
          },
        );
      }
      return new AppError(
        'stock_reserved',
        `On hand is ${stock.on_hand} with ${stock.reserved} reserved for orders; a change of ${change} would leave ${result}, below what is reserved.`,
        { onHand: stock.on_hand, reserved: stock.reserved },
      );
    }
  });
  await ctx.cache.productsChanged([productId]);
  return levels;
}
