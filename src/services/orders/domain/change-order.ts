import type { Kysely } from 'kysely';
import type { NewEvent } from '../../../contracts/events/envelope.js';
import type { OutboxEvent } from '../../../platform/messaging/outbox.js';
import { loadOrdersForUpdate, saveOrders } from '../data/order-repository.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order, OrderSnapshot } from './order.js';

/** Writes events to the outbox in the transaction at hand (an `Outbox` emit, or a consumer's `context.emit`). */
export type EmitEvents = (events: OutboxEvent[]) => Promise<unknown>;

export interface OrderChange {
  orderId: string;
  /** Only when the order belongs to this user. */
  userId?: string;
  decide: (order: Order) => NewEvent[];
  /** Trace context given to the events `decide` raises. */
  traceparent?: string | null;
}

export type ChangeResult = { order: OrderSnapshot; events: NewEvent[] } | undefined;

/**
 * Loads and locks the orders in `trx` (one statement), lets each change decide in turn (two
 * changes of one order apply one after the other), then saves every order that changed and emits
 * the events raised, one statement each, all in that transaction. A result per change, undefined
 * when there is no such order.
 */
export async function changeOrders(trx: Kysely<OrdersDb>, emit: EmitEvents, changes: OrderChange[]): Promise<ChangeResult[]> {
  const loaded = new Map((await loadOrdersForUpdate(trx, [...new Set(changes.map((c) => c.orderId))])).map((o) => [o.id, o]));
  const raised: OutboxEvent[] = [];
  const results = changes.map((change): ChangeResult => {
    const order = loaded.get(change.orderId);
    if (!order || (change.userId !== undefined && order.userId !== change.userId)) return undefined;
    const events = change.decide(order);
    raised.push(...events.map((e) => ({ ...e, traceparent: change.traceparent ?? null })));
    return { order: order.snapshot, events };
  });
  await saveOrders(trx, [...loaded.values()].filter((order) => order.changed));
  if (raised.length > 0) await emit(raised);
  return results;
}

/** `changeOrders` for one order. */
export async function changeOrder(
  trx: Kysely<OrdersDb>,
  emit: EmitEvents,
  target: { orderId: string; userId?: string },
  decide: (order: Order) => NewEvent[],
): Promise<ChangeResult> {
  const [result] = await changeOrders(trx, emit, [{ ...target, decide }]);
  return result;
}
