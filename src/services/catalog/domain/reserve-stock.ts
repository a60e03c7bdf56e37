import type { ReservationLineRequest, ReserveResult, Shortage } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { linesOfOrder, takeAndHoldStock } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import { decideReservation, linesAlreadyReserved, mergeLines } from './reservation-rules.js';

/** Thrown out of the transaction so that it rolls back what it took from the lines it did hold. */
class NotHeld extends Error {
  constructor(readonly shortages: Shortage[]) {
    super('not held');
  }
}

/**
 * Reserves every line or none, with `inventory.reserved`, and emits `inventory.reserved` with it.
 * `takeAndHoldStock` takes each line with a conditional update, so no interleaving of any number
 * of callers can oversell. An order whose stock is already held or committed gets the same answer
 * again, and no second event: a retried call finds the first call's lines, which it waited for.
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
      const decision = decideReservation(lines, await takeAndHoldStock(trx, { orderId, lines, now, expiresAt }));
      if (!decision.ok) throw new NotHeld(decision.shortages);
      await emit([catalogEvent('inventory.reserved', { orderId, lines })]);
      return { lines: decision.lines, fresh: true };
    })
    .catch(async (err: unknown) => {
      if (!(err instanceof NotHeld)) throw err;
      // A retry of a call that reserved: that call held the stock rows this one locked, so it had
      // committed its lines before this read.
      const already = linesAlreadyReserved(await linesOfOrder(ctx.db, orderId));
      return already.length > 0 ? { lines: already, fresh: false } : err;
    });
  if (reserved instanceof NotHeld) return { ok: false, shortages: reserved.shortages };
  if (reserved.fresh) void ctx.cache.productsChanged(lines.map((l) => l.productId));
  return {
    ok: true,
    lines: reserved.lines.map(({ unitPriceAmount, ...line }) => ({
      ...line,
      unitPrice: { amount: unitPriceAmount, currency: ctx.currency },
    })),
  };
}
