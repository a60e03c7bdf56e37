import type { ReservationLineRequest, ReserveResult, Shortage } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { holdLines, linesOfOrder, takeFreeStock, takeOrderAdvisoryLock } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import { decideReservation, linesAlreadyReserved, mergeLines } from './reservation-rules.js';

/** Thrown out of the transaction so that it rolls back what it took from the lines not short. */
class StockShort extends Error {
  constructor(readonly shortages: Shortage[]) {
    super('stock short');
  }
}

/**
 * Reserves every line or none, with `inventory.reserved`, and emits `inventory.reserved` with it.
 * `takeFreeStock` takes each line with a conditional update, so no interleaving of any number of
 * callers can oversell. An order whose stock is already held or committed gets the same answer
 * again, and no second event: the order's lock makes a retried call wait for the first.
 */
export async function reserveStock(
  ctx: CatalogContext,
  orderId: string,
  requested: ReservationLineRequest[],
): Promise<ReserveResult> {
  const lines = mergeLines(requested);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.reservationTtlMs);
  const reserved = await ctx.outbox
    .transaction(async (trx, emit) => {
      await takeOrderAdvisoryLock(trx, orderId);
      const already = linesAlreadyReserved(await linesOfOrder(trx, orderId));
      if (already.length > 0) return { lines: already, fresh: false };
      const decision = decideReservation(lines, await takeFreeStock(trx, lines));
      if (!decision.ok) throw new StockShort(decision.shortages);
      await holdLines(trx, orderId, decision.lines, now, expiresAt);
      await emit([catalogEvent('inventory.reserved', { orderId, lines })]);
      return { lines: decision.lines, fresh: true };
    })
    .catch((err: unknown) => {
      if (err instanceof StockShort) return err;
      throw err;
    });
  if (reserved instanceof StockShort) return { ok: false, shortages: reserved.shortages };
  // Not awaited: the caller writes its order meanwhile. Invalidation never throws (it logs), and
  // in one process the caller's next commands to the store go out behind these on the same
  // connection, so nothing it answers later meets the stale entries.
  if (reserved.fresh) void ctx.cache.productsChanged(lines.map((l) => l.productId));
  return {
    ok: true,
    lines: reserved.lines.map(({ unitPriceAmount, ...line }) => ({
      ...line,
      unitPrice: { amount: unitPriceAmount, currency: ctx.currency },
    })),
  };
}
