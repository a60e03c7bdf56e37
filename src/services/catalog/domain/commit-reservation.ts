import type { ReservationOutcome } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import {
  lockStockRowsOf,
  reservationRowsOf,
  setReservationStatus,
  takeHeldStock,
  takeOrderAdvisoryLocks,
} from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { StockStep } from './stock-step.js';

type CommitStatus = ReservationOutcome['status'];

/**
 * The orders are paid: their held stock leaves on-hand for good, a handful of statements for any
 * number of orders. Repeating it changes nothing; a reservation that was released first
 * (expired, cancelled) stays released and says so. `traceparent` traces each order's event to its cause.
 * Its statements change stock rows in no set order: the caller takes the orders' advisory locks
 * and then their stock rows' locks (`takeOrderAdvisoryLocks`, `lockStockRowsOf`) first.
 */
export async function commitReservationsIn(
  step: StockStep,
  orders: { orderId: string; traceparent?: string | null }[],
): Promise<{ statuses: Map<string, CommitStatus>; productIds: string[] }> {
  const { trx } = step;
  const orderIds = orders.map((o) => o.orderId);
  const rowsOf = await reservationRowsOf(trx, orderIds);
  const statuses = new Map<string, CommitStatus>();
  const taken: { orderId: string; lines: { productId: string; quantity: number }[]; traceparent: string | null }[] = [];
  for (const { orderId, traceparent } of orders) {
    if (statuses.has(orderId)) continue;
    const rows = rowsOf.get(orderId) ?? [];
    const held = rows.filter((r) => r.status === 'held');
    if (held.length === 0) {
      statuses.set(
        orderId,
        rows.some((r) => r.status === 'committed') ? 'committed' : rows.length > 0 ? 'released' : 'none',
      );
      continue;
    }
    statuses.set(orderId, 'committed');
    taken.push({
      orderId,
      lines: held.map((r) => ({ productId: r.productId, quantity: r.quantity })),
      traceparent: traceparent ?? null,
    });
  }
  if (taken.length === 0) return { statuses, productIds: [] };
  await takeHeldStock(
    trx,
    taken.flatMap((t) => t.lines),
  );
  await setReservationStatus(
    trx,
    taken.map((t) => t.orderId),
    'held',
    'committed',
    step.now,
  );
  await step.emit(
    taken.map(({ orderId, lines, traceparent }) => ({
      ...catalogEvent('inventory.committed', { orderId, lines }),
      traceparent,
    })),
  );
  return { statuses, productIds: [...new Set(taken.flatMap((t) => t.lines.map((l) => l.productId)))] };
}

/** `commitReservationsIn` for one order in a transaction of its own (the InventoryApi), cache dropped after commit. */
export async function commitReservation(ctx: CatalogContext, orderId: string): Promise<ReservationOutcome> {
  const { statuses, productIds } = await ctx.outbox.transaction(async (trx, emit) => {
    await takeOrderAdvisoryLocks(trx, [orderId]);
    await lockStockRowsOf(trx, [orderId]);
    return commitReservationsIn({ trx, emit, now: ctx.clock.now() }, [{ orderId }]);
  });
  if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
  return { orderId, status: statuses.get(orderId) ?? 'none' };
}
