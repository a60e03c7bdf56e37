import { sql } from 'kysely';
import type { ReservationLineRequest, ReservedLine, ReserveResult, Shortage } from '../../../contracts/api/inventory.js';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { byProductId, holdAndProducts, lockOrder, reservationInsert, reservedLines } from '../data/reservation-repository.js';
import type { CatalogContext } from './catalog-context.js';

/** Thrown inside the transaction to roll back every line already reserved. */
class Shortfall extends Error {
  constructor(readonly shortages: Shortage[]) {
    super('shortfall');
  }
}

/** One line per product, sorted `byProductId`: the order every transaction locks stock rows in. */
function mergeLines(lines: ReservationLineRequest[]): ReservationLineRequest[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return [...totals]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort(byProductId);
}

/**
 * Reserves every line or none. Each line is one conditional update (`on_hand - reserved >= q`),
 * so no interleaving of any number of callers can oversell; a miss rolls everything back.
 * An order whose stock is already held or committed gets the same answer again.
 */
export async function reserveStock(ctx: CatalogContext, orderId: string, requested: ReservationLineRequest[]): Promise<ReserveResult> {
  const lines = mergeLines(requested);
  const ids = lines.map((l) => l.productId);
  try {
    const { result, fresh } = await ctx.outbox.transaction(async (trx, emit) => {
      await lockOrder(trx, orderId);
      const { held: alreadyHeld, products } = await holdAndProducts(trx, orderId, ids);
      if (alreadyHeld) return { result: await reservedLines(trx, orderId, ctx.currency), fresh: false };

      const catalog = new Map(products.map((p) => [p.id, p]));
      const reserved: ReservedLine[] = [];
      const missed: ReservationLineRequest[] = [];
      for (const line of lines) {
        const product = catalog.get(line.productId);
        const taken = product
          ? await trx
              .updateTable('inventory')
              .set((eb) => ({ reserved: eb('reserved', '+', line.quantity) }))
              .where('product_id', '=', line.productId)
              .where(sql<boolean>`on_hand - reserved >= ${line.quantity}`)
              .returning('product_id')
              .executeTakeFirst()
          : undefined;
        if (product && taken) {
          reserved.push({
            productId: product.id,
            sku: product.sku,
            name: product.name,
            unitPrice: { amount: product.price_amount, currency: ctx.currency },
            quantity: line.quantity,
          });
        } else {
          missed.push(line);
        }
      }
      if (missed.length > 0) {
        const stock = await trx
          .selectFrom('inventory')
          .select(['product_id', sql<number>`on_hand - reserved`.as('available')])
          .where('product_id', 'in', missed.map((l) => l.productId))
          .execute();
        const available = new Map(stock.map((s) => [s.product_id, s.available]));
        throw new Shortfall(
          missed.map((l) => ({
            productId: l.productId,
            requested: l.quantity,
            available: catalog.has(l.productId) ? Math.max(0, available.get(l.productId) ?? 0) : 0,
          })),
        );
      }

      const now = ctx.clock.now();
      const expiresAt = new Date(now.getTime() + ctx.reservationTtlMs);
      const held = reserved.map((l) => ({ productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice.amount }));
      // The held lines and their event in one statement.
      await emit([catalogEvent('inventory.reserved', { orderId, lines })], { with: [(db) => reservationInsert(db, orderId, held, now, expiresAt)] });
      return { result: reserved, fresh: true };
    });
    if (fresh) await ctx.cache.productsChanged(ids);
    return { ok: true, lines: result };
  } catch (err) {
    if (err instanceof Shortfall) return { ok: false, shortages: err.shortages };
    throw err;
  }
}
