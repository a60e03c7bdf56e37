import { sql, type Kysely, type QueryCreator, type Selectable } from 'kysely';
import { recordsetOfJson } from '../../../platform/db/json-recordset.js';
import { Order, type OrderSnapshot, type OrderStatus } from '../domain/order.js';
import type { OrdersDb, OrdersTable } from './orders-db.js';

type OrderRow = Selectable<OrdersTable>;

const toSnapshot = (row: OrderRow): OrderSnapshot => ({
  id: row.id,
  userId: row.user_id,
  status: row.status,
  items: row.items,
  total: { amount: row.total_amount, currency: row.currency },
  shippingAddress: row.shipping_address,
  payment: { status: row.payment_status, attempts: row.payment_attempts },
  cancellationReason: row.cancellation_reason,
  shipment: row.shipment,
  history: row.history,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** The columns a change of an order touches, jsonb ones as plain objects. */
const changeableColumns = (s: OrderSnapshot) => ({
  status: s.status,
  payment_status: s.payment.status,
  payment_attempts: s.payment.attempts,
  cancellation_reason: s.cancellationReason,
  shipment: s.shipment,
  history: s.history,
  updated_at: s.updatedAt,
});

/** The unique index a second order from one cart read violates. */
export const cartVersionKey = 'orders_user_cart_version_key';

/**
 * The insert of a new order with the version of the cart it was placed from, to run alone or with
 * other writes (`Outbox.insertWith`): a unique violation of `cartVersionKey` when an order from
 * that cart read exists.
 */
export function orderInsert(qc: QueryCreator<OrdersDb>, order: Order, cartVersion: string) {
  const s = order.snapshot;
  return qc.insertInto('orders').values({
    id: s.id,
    user_id: s.userId,
    status: s.status,
    items: JSON.stringify(s.items),
    total_amount: s.total.amount,
    currency: s.total.currency,
    shipping_address: JSON.stringify(s.shippingAddress),
    payment_status: s.payment.status,
    payment_attempts: s.payment.attempts,
    cancellation_reason: s.cancellationReason,
    shipment: s.shipment && JSON.stringify(s.shipment),
    history: JSON.stringify(s.history),
    cart_version: cartVersion,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  });
}

/** Writes what the changes of these orders touched, in one statement whatever their number. */
export async function saveOrders(db: Kysely<OrdersDb>, orders: Order[]): Promise<void> {
  if (orders.length === 0) return;
  const rows = orders.map((order) => ({ id: order.id, ...changeableColumns(order.snapshot) }));
  const columnTypes = {
    id: 'text',
    status: 'text',
    payment_status: 'text',
    payment_attempts: 'integer',
    cancellation_reason: 'text',
    shipment: 'jsonb',
    history: 'jsonb',
    updated_at: 'timestamptz',
  };
  await db
    .updateTable('orders')
    .from(recordsetOfJson('changed', columnTypes, JSON.stringify(rows)))
    .set({
      status: sql`changed.status`,
      payment_status: sql`changed.payment_status`,
      payment_attempts: sql`changed.payment_attempts`,
      cancellation_reason: sql`changed.cancellation_reason`,
      shipment: sql`changed.shipment`,
      history: sql`changed.history`,
      updated_at: sql`changed.updated_at`,
    })
    .whereRef('orders.id', '=', sql.ref('changed.id'))
    .execute();
}

/** The order, optionally only when it belongs to `userId`. */
export async function findOrder(db: Kysely<OrdersDb>, id: string, userId?: string): Promise<OrderSnapshot | undefined> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', id)
    .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId ?? ''))
    .executeTakeFirst();
  return row && toSnapshot(row);
}

/** Loads and locks the orders for the rest of the transaction `trx`, in id order (as every locker does). */
export async function loadOrdersForUpdate(trx: Kysely<OrdersDb>, ids: string[]): Promise<Order[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('orders')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map((row) => Order.restore(toSnapshot(row)));
}

export interface OrderPageQuery {
  userId?: string | undefined;
  status?: OrderStatus | undefined;
  /** The last order of the previous page. */
  after?: { createdAt: Date; id: string } | undefined;
  limit: number;
}

/** Newest first, the id breaking ties; one index range scan for each filter combination. */
export async function listOrderPage(db: Kysely<OrdersDb>, q: OrderPageQuery): Promise<OrderSnapshot[]> {
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .$if(q.userId !== undefined, (qb) => qb.where('user_id', '=', q.userId ?? ''))
    .$if(q.status !== undefined, (qb) => qb.where('status', '=', q.status ?? 'pending_payment'))
    .$if(q.after !== undefined, (qb) =>
      qb.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(q.after?.createdAt ?? new Date(0), q.after?.id ?? '')),
      ),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map(toSnapshot);
}

/** Which of these orders exist. */
export async function existingOrderIds(db: Kysely<OrdersDb>, ids: string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Ids of orders still waiting for their payment that were placed before `placedBefore`, oldest first. */
export async function stalePendingOrderIds(db: Kysely<OrdersDb>, placedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('status', '=', 'pending_payment')
    .where('created_at', '<=', placedBefore)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
