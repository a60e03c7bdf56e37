import type { Kysely } from 'kysely';
import type { NewEvent } from '../../../contracts/events/envelope.js';
import { lockOrder, saveOrder } from '../data/order-repository.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order, OrderSnapshot } from './order.js';

/** Writes events to the outbox in the transaction at hand (an `Outbox` emit, or `writeOutboxEvents`). */
export type EmitEvents = (events: NewEvent[]) => Promise<unknown>;

/**
 * Loads and locks one order in `trx`, lets `decide` change it, then saves it and emits the events
 * it raised, all in that transaction. Undefined when there is no such order.
 */
export async function changeOrder(
  trx: Kysely<OrdersDb>,
  emit: EmitEvents,
  target: { orderId: string; userId?: string },
  decide: (order: Order) => NewEvent[],
): Promise<{ order: OrderSnapshot; events: NewEvent[] } | undefined> {
  const order = await lockOrder(trx, target.orderId, target.userId);
  if (!order) return undefined;
  const before = JSON.stringify(order.snapshot);
  const events = decide(order);
  const after = order.snapshot;
  if (JSON.stringify(after) !== before) await saveOrder(trx, order);
  if (events.length > 0) await emit(events);
  return { order: after, events };
}
