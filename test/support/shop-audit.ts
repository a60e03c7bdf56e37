import pg from 'pg';
import type { ParsedMail } from 'mailparser';
import { steady } from './eventually.js';

/**
 * What the shop's own tables say after a run, read straight from the shared database: the test
 * audits the outcome of the saga with the same queries an operator would run, beyond what the API
 * shows one customer (charges at the processor, reservations, every product's stock).
 */
export interface ShopRecords {
  orders: {
    id: string;
    userId: string;
    status: string;
    lines: { productId: string; quantity: number }[];
    wasConfirmed: boolean;
  }[];
  /** Successful processor operations per order id. */
  ledger: Map<string, { charges: number; refunds: number }>;
  /** Payments whose order id is no order at all. */
  paymentsWithoutOrder: number;
  /** Payments the worker has still to charge or refund. */
  paymentsDue: number;
  inventory: Map<string, { onHand: number; reserved: number }>;
  reservations: { orderId: string; productId: string; quantity: number; status: string }[];
}

export async function readShopRecords(databaseUrl: string): Promise<ShopRecords> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const orders = await client.query<{
      id: string;
      user_id: string;
      status: string;
      items: { productId: string; quantity: number }[];
      history: { status: string }[];
    }>('select id, user_id, status, items, history from orders.orders');
    const ledger = await client.query<{ order_id: string; kind: 'charge' | 'refund'; n: number }>(
      `select p.order_id, l.kind, count(*)::int as n from payments.processor_ledger l
       join payments.payments p on l.idempotency_key in (p.id, 'refund:' || p.id)
       where l.outcome = 'succeeded' group by p.order_id, l.kind`,
    );
    const payments = await client.query<{ orphans: number; due: number }>(
      `select count(*) filter (where not exists (select 1 from orders.orders o where o.id = p.order_id))::int as orphans,
              count(*) filter (where p.status in ('pending', 'refund_pending'))::int as due
       from payments.payments p`,
    );
    const inventory = await client.query<{ product_id: string; on_hand: number; reserved: number }>(
      'select product_id, on_hand, reserved from catalog.inventory',
    );
    const reservations = await client.query<{ order_id: string; product_id: string; quantity: number; status: string }>(
      'select order_id, product_id, quantity, status from catalog.reservations',
    );
    const byOrder = new Map<string, { charges: number; refunds: number }>();
    for (const row of ledger.rows) {
      const entry = byOrder.get(row.order_id) ?? { charges: 0, refunds: 0 };
      entry[row.kind === 'charge' ? 'charges' : 'refunds'] += row.n;
      byOrder.set(row.order_id, entry);
    }
    return {
      orders: orders.rows.map((o) => ({
        id: o.id,
        userId: o.user_id,
        status: o.status,
        lines: o.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        wasConfirmed: o.history.some((h) => h.status === 'confirmed'),
      })),
      ledger: byOrder,
      paymentsWithoutOrder: payments.rows[0]?.orphans ?? 0,
      paymentsDue: payments.rows[0]?.due ?? 0,
      inventory: new Map(inventory.rows.map((r) => [r.product_id, { onHand: r.on_hand, reserved: r.reserved }])),
      reservations: reservations.rows.map((r) => ({
        orderId: r.order_id,
        productId: r.product_id,
        quantity: r.quantity,
        status: r.status,
      })),
    };
  } finally {
    await client.end();
  }
}

/** Whether the saga has come to rest: no order waiting for its payment, no charge or refund due, no stock held for an order. */
export function settled(records: ShopRecords): boolean {
  // A reservation without an order is held too, until orders' reconciliation releases it (35 s at most).
  return (
    records.orders.every((o) => o.status !== 'pending_payment') &&
    records.paymentsDue === 0 &&
    records.reservations.every((r) => r.status !== 'held')
  );
}

export interface StockCount {
  productId: string;
  initial: number;
  available: number;
  reserved: number;
  sold: number;
  /** initial − (available + reserved + sold): 0 when no unit was lost or made up. */
  drift: number;
  /** Units still held for orders that do not exist. */
  orphaned: number;
}

/** Every product's stock against what it started with: sold is what confirmed and shipped orders hold. */
export function stockCounts(records: ShopRecords, initial: Map<string, number>): StockCount[] {
  const orderIds = new Set(records.orders.map((o) => o.id));
  return [...initial].map(([productId, start]) => {
    const stock = records.inventory.get(productId) ?? { onHand: 0, reserved: 0 };
    const sold = records.orders
      .filter((o) => o.status === 'confirmed' || o.status === 'shipped')
      .flatMap((o) => o.lines)
      .filter((l) => l.productId === productId)
      .reduce((sum, l) => sum + l.quantity, 0);
    const orphaned = records.reservations
      .filter((r) => r.productId === productId && r.status === 'held' && !orderIds.has(r.orderId))
      .reduce((sum, r) => sum + r.quantity, 0);
    const available = stock.onHand - stock.reserved;
    return {
      productId,
      initial: start,
      available,
      reserved: stock.reserved,
      sold,
      drift: start - (available + stock.reserved + sold),
      orphaned,
    };
  });
}

export type OrderEmailKind = 'confirmed' | 'cancelled' | 'shipped';

const orderSubject = /^Your order (\S+) (?:is|has) (confirmed|cancelled|shipped)$/;

/** Emails about orders, counted per order and kind ("ord_1 confirmed" → 1). */
export function orderEmails(mails: ParsedMail[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of mails) {
    const match = orderSubject.exec(mail.subject ?? '');
    if (!match) continue;
    const key = `${match[1]} ${match[2]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The emails each order's events call for: one confirmation once paid, one cancellation, one shipping notice. */
export function expectedOrderEmails(records: ShopRecords): Map<string, number> {
  const expected = new Map<string, number>();
  for (const order of records.orders) {
    if (order.wasConfirmed) expected.set(`${order.id} confirmed`, 1);
    if (order.status === 'cancelled') expected.set(`${order.id} cancelled`, 1);
    if (order.status === 'shipped') expected.set(`${order.id} shipped`, 1);
  }
  return expected;
}

/**
 * The shop's event and email counts when it is at rest, read from the database alone (its
 * processes may have restarted): every event published and, for each consumer, every event of a
 * type it handles in its inbox; no email waiting. Undefined while work is under way.
 */
async function restingCounts(client: pg.Client): Promise<string | undefined> {
  const schemas = ['identity', 'catalog', 'cart', 'orders', 'payments', 'notifications'];
  const union = (table: string, columns: string) =>
    schemas.map((s) => `select ${columns} from ${s}.${table}`).join(' union all ');
  const { rows } = await client.query<{ unpublished: number; unhandled: number; pending: number; handled: number }>(`
    with events as (${union('outbox', 'id, type, published_at')}),
         handled as (${union('inbox', 'consumer, event_id')}),
         consumers as (select distinct consumer, type from handled join events on events.id = handled.event_id)
    select
      (select count(*) from events where published_at is null)::int as unpublished,
      (select count(*) from events e join consumers c on c.type = e.type
        where not exists (select 1 from handled h where h.consumer = c.consumer and h.event_id = e.id))::int as unhandled,
      (select count(*) from notifications.notifications where status = 'pending')::int as pending,
      (select count(*) from handled)::int as handled`);
  const counts = rows[0];
  if (!counts || counts.unpublished > 0 || counts.unhandled > 0 || counts.pending > 0) return undefined;
  return String(counts.handled);
}

/**
 * Waits until the shop at `databaseUrl` has nothing left to do: see `restingCounts`. Two readings
 * alike in a row, so an event raised between the counts of one reading is not missed. What a
 * "nothing more happened" check looks at afterwards is final.
 */
export async function shopAtRest(databaseUrl: string, timeoutMs = 30_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await steady(() => restingCounts(client), timeoutMs, 'every event handled and every email sent', 200);
  } finally {
    await client.end();
  }
}
