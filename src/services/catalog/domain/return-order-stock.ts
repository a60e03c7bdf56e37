import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import {
  takeOrderAdvisoryLock,
  reservationRows,
  restockCommitted,
  setReservationStatus,
} from '../data/reservation-repository.js';
import { releaseReservationIn } from './release-reservation.js';
import type { StepResult, StockStep } from './stock-step.js';

export type ReturnedStock = 'released' | 'restocked' | 'nothing';

/**
 * The order was cancelled: whatever stock it still has goes back. A hold is released; stock
 * already committed (a paid order the customer cancelled) goes back on hand, once, and is
 * recorded as an inventory adjustment. Repeating it changes nothing.
 */
export async function returnOrderStock(step: StockStep, orderId: string): Promise<StepResult<ReturnedStock>> {
  const { trx } = step;
  await takeOrderAdvisoryLock(trx, orderId);
  const rows = await reservationRows(trx, orderId);
  if (rows.some((r) => r.status === 'held')) {
    const released = await releaseReservationIn(step, orderId, { reason: 'requested' });
    return { status: released.status === 'released' ? 'released' : 'nothing', productIds: released.productIds };
  }
  const committed = rows.filter((r) => r.status === 'committed');
  if (committed.length === 0) return { status: 'nothing', productIds: [] };

  const reason = `Order ${orderId} cancelled after payment: stock returned`;
  const levels = await restockCommitted(trx, committed);
  await setReservationStatus(trx, [orderId], 'committed', 'restocked', step.now);
  await trx
    .insertInto('inventory_adjustments')
    .values(
      committed.map((r) => ({
        product_id: r.productId,
        delta: r.quantity,
        reason,
        adjusted_by: null,
        created_at: step.now,
      })),
    )
    .execute();
  await step.emit(
    committed.flatMap((r) => {
      const level = levels.find((l) => l.productId === r.productId);
      return level
        ? [
            catalogEvent('inventory.adjusted', {
              productId: r.productId,
              delta: r.quantity,
              reason,
              onHand: level.onHand,
              reserved: level.reserved,
            }),
          ]
        : [];
    }),
  );
  return { status: 'restocked', productIds: committed.map((r) => r.productId) };
}
