import { sql, type Kysely } from 'kysely';
import { recordsetOfJson } from '../../../platform/db/json-recordset.js';
import { sqlFile } from '../../../platform/db/sql-file.js';
import type { OutboxStatement } from '../../../platform/messaging/outbox.js';
import { byProductId, type HeldLine, type StockOffer } from '../domain/reservation-rules.js';
import type { CatalogDb, ReservationStatus } from './catalog-db.js';

export const orderLockPrefix = 'catalog.reservation:';

/**
 * Serialises every reserve, commit and release of one order until the transaction ends, so a
 * retried call waits for the first and then sees what it did.
 */
export async function takeOrderAdvisoryLock(trx: Kysely<CatalogDb>, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${orderLockPrefix}${orderId}`}, 0))`.execute(trx);
}

/**
 * `takeOrderAdvisoryLock` for many orders in one statement, in sorted order, so that two
 * transactions locking several orders never wait on each other.
 */
export async function takeOrderAdvisoryLocks(trx: Kysely<CatalogDb>, orderIds: string[]): Promise<void> {
  const sorted = [...new Set(orderIds)].sort();
  if (sorted.length === 0) return;
  await sql`
    select pg_advisory_xact_lock(hashtextextended(${orderLockPrefix} || id, 0))
    from (select id from unnest(${sorted}::text[]) with ordinality as given(id, n) order by n) as ordered`.execute(trx);
}

const reserveStock = sqlFile<StockOffer>(new URL('./reserve-stock.sql', import.meta.url));

/**
 * Holds every line of the order or none, takes the stock of the lines it holds, and writes the
 * order's event when it held them all, in ONE autocommitted statement (reserve-stock.sql: steps
 * that read more plainly as SQL than as a query-builder chain). Answers, for each requested
 * product that has stock, whether its line is held now and what was free before.
 */
export async function reserveStockWithEvent(
  db: Kysely<CatalogDb>,
  order: { orderId: string; lines: { productId: string; quantity: number }[]; now: Date; expiresAt: Date },
  event: OutboxStatement,
): Promise<StockOffer[]> {
  const productIds = order.lines.map((l) => l.productId);
  const quantities = order.lines.map((l) => l.quantity);
  return reserveStock(db, [
    order.orderId,
    productIds,
    quantities,
    order.now,
    order.expiresAt,
    event.rows,
    event.leaseMs,
  ]);
}

/** Every line of the order with the product's data, in any status, sorted `byProductId`. */
export async function linesOfOrder(
  trx: Kysely<CatalogDb>,
  orderId: string,
): Promise<(HeldLine & { status: ReservationStatus })[]> {
  const rows = await trx
    .selectFrom('reservations')
    .innerJoin('products', 'products.id', 'reservations.product_id')
    .select([
      'reservations.product_id as productId',
      'products.sku',
      'products.name',
      'reservations.unit_price_amount as unitPriceAmount',
      'reservations.quantity',
      'reservations.status',
    ])
    .where('reservations.order_id', '=', orderId)
    .execute();
  return rows.sort(byProductId);
}

export interface ReservationRow {
  productId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
}

/** The order's reservation lines, sorted `byProductId`. */
export async function reservationRows(trx: Kysely<CatalogDb>, orderId: string): Promise<ReservationRow[]> {
  return (await reservationRowsOf(trx, [orderId])).get(orderId) ?? [];
}

/** `reservationRows` of many orders in one statement, by order id. */
export async function reservationRowsOf(
  trx: Kysely<CatalogDb>,
  orderIds: string[],
): Promise<Map<string, ReservationRow[]>> {
  if (orderIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('reservations')
    .select(['order_id as orderId', 'product_id as productId', 'quantity', 'status', 'expires_at as expiresAt'])
    .where('order_id', '=', (eb) => eb.fn.any(eb.val(orderIds)))
    .execute();
  const byOrder = new Map<string, ReservationRow[]>();
  for (const { orderId, ...row } of rows.sort(byProductId)) {
    const lines = byOrder.get(orderId) ?? [];
    lines.push(row);
    byOrder.set(orderId, lines);
  }
  return byOrder;
}

/**
 * Row locks on every stock row the orders' reservations touch, in product-id order as
 * reserve-stock.sql takes them: a transaction that goes on to change these rows in any order
 * (`takeHeldStock`) never waits on a request that waits on it.
 */
export async function lockStockRowsOf(trx: Kysely<CatalogDb>, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await trx
    .selectFrom('inventory')
    .select('product_id')
    .where('product_id', 'in', (eb) =>
      eb
        .selectFrom('reservations')
        .select('product_id')
        .where('order_id', '=', (eb) => eb.fn.any(eb.val(orderIds))),
    )
    // Byte order, as `byProductId` compares in code.
    .orderBy(sql`product_id collate "C"`)
    .forUpdate()
    .execute();
}

/** Gives held quantities back to the stock they came from. */
export async function returnHeldStock(
  trx: Kysely<CatalogDb>,
  lines: { productId: string; quantity: number }[],
): Promise<void> {
  for (const line of lines) {
    await trx
      .updateTable('inventory')
      .set((eb) => ({ reserved: eb('reserved', '-', line.quantity) }))
      .where('product_id', '=', line.productId)
      .execute();
  }
}

/**
 * Takes held quantities out of on-hand for good (the orders were paid), one statement for all
 * lines. Rows are changed in no set order: lock them first (`lockStockRowsOf`).
 */
export async function takeHeldStock(
  trx: Kysely<CatalogDb>,
  lines: { productId: string; quantity: number }[],
): Promise<void> {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  if (totals.size === 0) return;
  const taken = JSON.stringify([...totals].map(([product_id, quantity]) => ({ product_id, quantity })));
  await trx
    .updateTable('inventory')
    .from(recordsetOfJson('taken', { product_id: 'text', quantity: 'integer' }, taken))
    .set({ on_hand: sql`inventory.on_hand - taken.quantity`, reserved: sql`inventory.reserved - taken.quantity` })
    .whereRef('inventory.product_id', '=', sql.ref('taken.product_id'))
    .execute();
}

/** Puts committed quantities back on hand (a paid order was cancelled); the levels after it. */
export async function restockCommitted(
  trx: Kysely<CatalogDb>,
  lines: { productId: string; quantity: number }[],
): Promise<{ productId: string; onHand: number; reserved: number }[]> {
  const levels = [];
  for (const line of lines) {
    const row = await trx
      .updateTable('inventory')
      .set((eb) => ({ on_hand: eb('on_hand', '+', line.quantity) }))
      .where('product_id', '=', line.productId)
      .returning(['on_hand', 'reserved'])
      .executeTakeFirst();
    if (row) levels.push({ productId: line.productId, onHand: row.on_hand, reserved: row.reserved });
  }
  return levels;
}

/** Moves the lines of these orders that are in status `from` to `to`. */
export async function setReservationStatus(
  trx: Kysely<CatalogDb>,
  orderIds: string[],
  from: ReservationStatus,
  to: ReservationStatus,
  now: Date,
): Promise<void> {
  if (orderIds.length === 0) return;
  await trx
    .updateTable('reservations')
    .set({ status: to, updated_at: now })
    .where('order_id', '=', (eb) => eb.fn.any(eb.val(orderIds)))
    .where('status', '=', from)
    .execute();
}

/** Orders with lines held since `heldSince` or before that were not matched (`markMatched`), at most `limit`. */
export async function unmatchedOrderIds(db: Kysely<CatalogDb>, heldSince: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('reservations')
    .select('order_id')
    .distinct()
    // Literals, not parameters: a statement prepared with parameters could not use the partial index.
    .where('status', '=', sql.lit('held'))
    .where('matched', '=', sql.lit(false))
    .where('created_at', '<=', heldSince)
    .limit(limit)
    .execute();
  return rows.map((r) => r.order_id);
}

/** Marks the reservations of these orders as belonging to orders that exist. */
export async function markMatched(db: Kysely<CatalogDb>, orderIds: string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await db
    .updateTable('reservations')
    .set({ matched: true })
    .where('order_id', '=', (eb) => eb.fn.any(eb.val(orderIds)))
    .where('matched', '=', false)
    .execute();
}
