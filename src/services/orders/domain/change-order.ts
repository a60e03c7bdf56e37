import type { Kysely } from 'kysely';
import type { NewEvent } from '../../../contracts/events/envelope.js';
import type { OutboxEvent } from '../../../platform/messaging/outbox.js';
import { loadOrdersForUpdate, saveOrders } from '../data/order-repository.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order, OrderSnapshot } from './order.js';

/** Writes events to the outbox in the transaction at hand (an `Outbox` emit). */
export type EmitEvents = (events: OutboxEvent[]) => Promise<unknown>;

export type ChangeResult = { order: OrderSnapshot; events: NewEvent[] } | undefined;

/**
 * Loads and locks the order in `trx`, lets `decide` change it, then saves it and emits the events
 * raised, all in that transaction. Undefined when there is no such order (or, with `userId`, it
 * belongs to someone else).
 */
export async function changeOrder(
  trx: Kysely<OrdersDb>,
  emit: EmitEvents,
  target: { orderId: string; userId?: string },
  decide: (order: Order) => NewEvent[],
): Promise<ChangeResult> {
  const [order] = await loadOrdersForUpdate(trx, [target.orderId]);
  if (!order || (target.userId !== undefined && order.userId !== target.userId)) return undefined;
  const events = decide(order);
  if (order.changed) await saveOrders(trx, [order]);
  if (events.length > 0) await emit(events);
  return { order: order.snapshot, events };
}
