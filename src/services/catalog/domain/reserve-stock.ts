import type { ReservationLineRequest, ReserveResult } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { linesOfOrder, reserveStockWithEvent } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';
import { decideReservation, linesAlreadyReserved, mergeLines, type HeldLine } from './reservation-rules.js';

/**
 * Reserves every line or none, with `inventory.reserved`, and emits `inventory.reserved` with it,
 * in one statement (`reserveStockWithEvent`). An order whose stock is already held or committed
 * gets the same answer again, and no second event: a retried call finds the first call's lines.
 */
export async function reserveStock(
  ctx: CatalogContext,
  orderId: string,
  requested: ReservationLineRequest[],
): Promise<ReserveResult> {
  const lines = mergeLines(requested);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.reservationTtlMs);
  const decision = await ctx.outbox.inStatement(
    [catalogEvent('inventory.reserved', { orderId, lines })],
    async (event) => {
      const result = decideReservation(
        lines,
        await reserveStockWithEvent(ctx.db, { orderId, lines, now, expiresAt }, event),
      );
      return { result, wrote: result.kind === 'held' };
    },
  );
  if (decision.kind === 'held') {
    void ctx.cache.productsChanged(lines.map((l) => l.productId));
    return answer(ctx, decision.lines);
  }
  // Not held: perhaps because an earlier call holds the order's lines. Its statement held the
  // stock rows this one locked, so it had committed before this read.
  const already = linesAlreadyReserved(await linesOfOrder(ctx.db, orderId));
  if (already.length > 0) return answer(ctx, already);
  if (decision.kind === 'short') return { ok: false, shortages: decision.shortages };
  // The lines that earlier call held were released since: decided afresh.
  return reserveStock(ctx, orderId, requested);
}

function answer(ctx: CatalogContext, lines: HeldLine[]): ReserveResult {
  return {
    ok: true,
    lines: lines.map(({ unitPriceAmount, ...line }) => ({
      ...line,
      unitPrice: { amount: unitPriceAmount, currency: ctx.currency },
    })),
  };
}
