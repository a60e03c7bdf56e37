import type { ReservationOutcome } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { lockOrder, reservationRows, setReservationStatus, takeHeldStock } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { StepResult, StockStep } from './stock-step.js';

/**
 * The order is paid: held stock leaves on-hand for good. Repeating it changes nothing; a
 * reservation that was released first (expired, cancelled) stays released and says so.
 */
export async function commitReservationIn(step: StockStep, orderId: string): Promise<StepResult<ReservationOutcome['status']>> {
  const { trx } = step;
  await lockOrder(trx, orderId);
  const rows = await reservationRows(trx, orderId);
  const held = rows.filter((r) => r.status === 'held');
  if (held.length === 0) {
    const settled = rows.some((r) => r.status === 'committed') ? 'committed' : rows.length > 0 ? 'released' : 'none';
    return { status: settled, productIds: [] };
  }
  const lines = held.map((r) => ({ productId: r.productId, quantity: r.quantity }));
  await takeHeldStock(trx, lines);
  await setReservationStatus(trx, orderId, 'held', 'committed', step.now);
  await step.emit([catalogEvent('inventory.committed', { orderId, lines })]);
  return { status: 'committed', productIds: lines.map((l) => l.productId) };
}

/** `commitReservationIn` in a transaction of its own (the InventoryApi), cache dropped after commit. */
export async function commitReservation(ctx: CatalogContext, orderId: string): Promise<ReservationOutcome> {
  const { status, productIds } = await ctx.outbox.transaction((trx, emit) => commitReservationIn({ trx, emit, now: ctx.clock.now() }, orderId));
  if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
  return { orderId, status };
}
