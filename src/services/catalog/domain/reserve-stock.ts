import { sql } from 'kysely';
import type { ReservationLineRequest, ReservedLine, ReserveResult, Shortage } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { byProductId } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';

/** What `catalog.reserve_stock` answers (catalog-migrations.ts), prices in minor units. */
type Decision =
  | { ok: true; emit: boolean; lines: (Omit<ReservedLine, 'unitPrice'> & { unitPrice: number })[] }
  | { ok: false; emit: false; shortages: Shortage[] };

/** One line per product, sorted `byProductId`: the order every transaction locks stock rows in. */
function mergeLines(lines: ReservationLineRequest[]): ReservationLineRequest[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return [...totals]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort(byProductId);
}

const reserveStockCall = (p: { orderId: string; lines: string; now: Date; expiresAt: Date }) =>
  sql<Decision>`catalog.reserve_stock(${p.orderId}, ${p.lines}::jsonb, ${p.now}, ${p.expiresAt})`;

/**
 * Reserves every line or none, with `inventory.reserved`, in one transaction: the database function
 * takes each line with one conditional update (`on_hand - reserved >= q`), so no interleaving of
 * any number of callers can oversell, and gives everything back on a miss. An order whose stock
 * is already held or committed gets the same answer again, and no second event.
 */
export async function reserveStock(ctx: CatalogContext, orderId: string, requested: ReservationLineRequest[]): Promise<ReserveResult> {
  const lines = mergeLines(requested);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + ctx.reservationTtlMs);
  const decision = await ctx.outbox.transaction(async (trx, emit) => {
    // Stringified because node-postgres would send a top-level array as a PostgreSQL array.
    const call = reserveStockCall({ orderId, lines: JSON.stringify(lines), now, expiresAt });
    const { rows } = await sql<{ decision: Decision }>`select ${call} as decision`.execute(trx);
    const made = rows[0]?.decision;
    if (!made) throw new Error('catalog.reserve_stock returned no row');
    if (made.emit) await emit([catalogEvent('inventory.reserved', { orderId, lines })]);
    return made;
  });
  if (!decision.ok) return { ok: false, shortages: decision.shortages };
  // Not awaited: the caller writes its order meanwhile, one round trip fewer in a row. Invalidation
  // never throws (it logs), and in one process the caller's next commands to the store go out
  // behind these on the same connection, so nothing it answers later meets the stale entries.
  if (decision.emit) void ctx.cache.productsChanged(lines.map((l) => l.productId));
  return {
    ok: true,
    lines: decision.lines.map((l) => ({ ...l, unitPrice: { amount: l.unitPrice, currency: ctx.currency } })),
  };
}
