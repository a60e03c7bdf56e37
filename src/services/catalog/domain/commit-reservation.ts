import type { ReservationOutcome } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { lockOrder, reservationRows, setReservationStatus } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';

/**
 * The order is paid: held stock leaves on-hand for good. Repeating it changes nothing; a
 * reservation that was released first (expired, cancelled) stays released and says so.
 */
export async function commitReservation(ctx: CatalogContext, orderId: string): Promise<ReservationOutcome> {
  const { status, productIds } = await ctx.outbox.transaction(async (trx, emit) => {
    await lockOrder(trx, orderId);
    const rows = await reservationRows(trx, orderId);
    const held = rows.filter((r) => r.status === 'held');
    if (held.length === 0) {
      const settled: ReservationOutcome['status'] = rows.some((r) => r.status === 'committed') ? 'committed' : rows.length > 0 ? 'released' : 'none';
      return { status: settled, productIds: [] };
    }
    for (const line of held) {
      await trx
        .updateTable('inventory')
        .set((eb) => ({ on_hand: eb('on_hand', '-', line.quantity), reserved: eb('reserved', '-', line.quantity) }))
        .where('product_id', '=', line.productId)
        .execute();
    }
    await setReservationStatus(trx, orderId, 'held', 'committed', ctx.clock.now());
    const lines = held.map((r) => ({ productId: r.productId, quantity: r.quantity }));
    await emit([catalogEvent('inventory.committed', { orderId, lines })]);
    return { status: 'committed' as const, productIds: lines.map((l) => l.productId) };
  });
  if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
  return { orderId, status };
}
