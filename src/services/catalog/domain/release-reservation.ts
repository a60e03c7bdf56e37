import type { ReservationOutcome } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import {
  takeOrderAdvisoryLock,
  reservationRows,
  returnHeldStock,
  setReservationStatus,
} from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { StepResult, StockStep } from './stock-step.js';

export interface ReleaseOptions {
  reason: 'requested' | 'expired';
  /** Release only when the hold expired at or before this time (the expiry job). */
  expiredBy?: Date;
}

/**
 * Gives held stock back (the order was cancelled, its payment failed, or nobody committed in
 * time). Repeating it changes nothing; committed stock is never given back here.
 */
export async function releaseReservationIn(
  step: StockStep,
  orderId: string,
  options: ReleaseOptions = { reason: 'requested' },
): Promise<StepResult<ReservationOutcome['status']>> {
  const { trx } = step;
  await takeOrderAdvisoryLock(trx, orderId);
  const rows = await reservationRows(trx, orderId);
  const held = rows.filter((r) => r.status === 'held');
  const due = !options.expiredBy || held.every((r) => r.expiresAt <= (options.expiredBy as Date));
  if (held.length === 0 || !due) {
    const settled =
      held.length > 0
        ? 'held'
        : rows.some((r) => r.status === 'committed')
          ? 'committed'
          : rows.length > 0
            ? 'released'
            : 'none';
    return { status: settled, productIds: [] };
  }
  const lines = held.map((r) => ({ productId: r.productId, quantity: r.quantity }));
  await returnHeldStock(trx, lines);
  await setReservationStatus(trx, [orderId], 'held', 'released', step.now);
  await step.emit([catalogEvent('inventory.released', { orderId, lines, reason: options.reason })]);
  return { status: 'released', productIds: lines.map((l) => l.productId) };
}

/** `releaseReservationIn` in a transaction of its own, cache dropped after commit. */
export async function releaseReservation(
  ctx: CatalogContext,
  orderId: string,
  options: ReleaseOptions = { reason: 'requested' },
): Promise<ReservationOutcome> {
  const { status, productIds } = await ctx.outbox.transaction((trx, emit) =>
    releaseReservationIn({ trx, emit, now: ctx.clock.now() }, orderId, options),
  );
  if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
  return { orderId, status };
}
