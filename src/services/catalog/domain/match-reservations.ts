import { matchBatchSize } from '../../../contracts/api/inventory.js';
import { markMatched, unmatchedOrderIds } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';

/**
 * The catalog's half of reconciling reservations with orders, which orders runs (it alone knows
 * whether an order exists or may still be written): the orders held at least `heldForMs` that it
 * was not told of yet. It releases those without an order, and tells of the others (`matchReservations`).
 */
export async function unmatchedReservations(ctx: CatalogContext, heldForMs: number): Promise<string[]> {
  return unmatchedOrderIds(ctx.db, new Date(ctx.clock.now().getTime() - heldForMs), matchBatchSize);
}

/** These orders exist: their reservations are never listed by `unmatchedReservations` again. */
export async function matchReservations(ctx: CatalogContext, orderIds: string[]): Promise<void> {
  await markMatched(ctx.db, orderIds);
}
