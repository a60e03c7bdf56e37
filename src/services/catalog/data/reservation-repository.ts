import { sql, type Kysely } from 'kysely';
import type { ReservedLine } from '../../../contracts/api/inventory.js';
import type { CatalogDb, ReservationStatus } from './catalog-db.js';

const orderLockPrefix = 'catalog.reservation:';

/**
 * Serialises every reserve, commit and release of one order until the transaction ends, so a
 * retried call waits for the first and then sees what it did.
 */
export async function lockOrder(trx: Kysely<CatalogDb>, orderId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${orderLockPrefix}${orderId}`}, 0))`.execute(trx);
}

/** `lockOrder` for many orders in one statement, taken in the order given. */
export async function lockOrders(trx: Kysely<CatalogDb>, orderIds: string[]): Promise<void> {
  await sql`
    select pg_advisory_xact_lock(hashtextextended(${orderLockPrefix} || id, 0))
    from (select id from unnest(${orderIds}::text[]) with ordinality as given(id, n) order by n) as ordered`.execute(trx);
}

/**
 * The one order in which every transaction locks stock rows, so that two of them never wait
 * on each other. Compared in code, not by the database's collation.
 */
export const byProductId = (a: { productId: string }, b: { productId: string }): number =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

export interface ReservationRow {
  productId: string;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
}

/** The order's reservation lines, sorted `byProductId`. */
export async function reservationRows(trx: Kysely<CatalogDb>, orderId: string): Promise<ReservationRow[]> {
  const rows = await trx
    .selectFrom('reservations')
    .select(['product_id as productId', 'quantity', 'status', 'expires_at as expiresAt'])
    .where('order_id', '=', orderId)
    .execute();
  return rows.sort(byProductId);
}

/** Lines still held or committed, as `reserve` answered them. */
export async function reservedLines(trx: Kysely<CatalogDb>, orderId: string, currency: string): Promise<ReservedLine[]> {
  const rows = await trx
    .selectFrom('reservations as r')
    .innerJoin('products as p', 'p.id', 'r.product_id')
    .select(['r.product_id', 'p.sku', 'p.name', 'r.unit_price_amount', 'r.quantity'])
    .where('r.order_id', '=', orderId)
    .where('r.status', '!=', 'released')
    .execute();
  const lines = rows.map((r) => ({
    productId: r.product_id,
    sku: r.sku,
    name: r.name,
    unitPrice: { amount: r.unit_price_amount, currency },
    quantity: r.quantity,
  }));
  return lines.sort(byProductId);
}

/** Gives held quantities back to the stock they came from. */
export async function returnHeldStock(trx: Kysely<CatalogDb>, lines: { productId: string; quantity: number }[]): Promise<void> {
  for (const line of lines) {
    await trx
      .updateTable('inventory')
      .set((eb) => ({ reserved: eb('reserved', '-', line.quantity) }))
      .where('product_id', '=', line.productId)
      .execute();
  }
}

/** Takes held quantities out of on-hand for good (the order was paid). */
export async function takeHeldStock(trx: Kysely<CatalogDb>, lines: { productId: string; quantity: number }[]): Promise<void> {
  for (const line of lines) {
    await trx
      .updateTable('inventory')
      .set((eb) => ({ on_hand: eb('on_hand', '-', line.quantity), reserved: eb('reserved', '-', line.quantity) }))
      .where('product_id', '=', line.productId)
      .execute();
  }
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

export async function setReservationStatus(
  trx: Kysely<CatalogDb>,
  orderId: string,
  from: ReservationStatus,
  to: ReservationStatus,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('reservations')
    .set({ status: to, updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', from)
    .execute();
}
