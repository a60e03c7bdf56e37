import type { Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../../contracts/events/envelope.js';
import type { Emit, OutboxEvent } from '../../../platform/messaging/outbox.js';
import { loadOrdersForUpdate, saveOrders } from '../data/order-repository.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order } from './order.js';
import type { OrdersContext } from './orders-context.js';

/** A fact from payments about one order, and what it does to the order. */
export interface PaymentFact {
  event: EventEnvelope;
  orderId: string;
  apply: (order: Order, at: Date) => NewEvent[];
}

/**
 * Applies facts from payments to their orders, in the consumer's transaction (the one that records
 * the events as handled), in the order given: the orders are loaded and locked in one statement,
 * two facts about one order apply one after the other, and every order that changed is saved in
 * one statement. The aggregate absorbs repeats and late facts, so this is idempotent by state as
 * well as by the inbox. Events raised go to the outbox in the same transaction, each traced to the
 * fact that caused it.
 */
export async function recordPayments(
  ctx: OrdersContext,
  trx: Transaction<OrdersDb>,
  emit: Emit,
  facts: PaymentFact[],
): Promise<void> {
  const at = ctx.clock.now();
  const orders = new Map(
    (await loadOrdersForUpdate(trx, [...new Set(facts.map((f) => f.orderId))])).map((o) => [o.id, o]),
  );
  const raised: OutboxEvent[] = [];
  for (const { event, orderId, apply } of facts) {
    const order = orders.get(orderId);
    // Orders are written before payments can hear of them: this is not one of ours.
    if (!order) {
      ctx.logger.warn({ eventId: event.id, type: event.type, orderId }, 'payment event for an unknown order ignored');
      continue;
    }
    raised.push(...apply(order, at).map((e) => ({ ...e, traceparent: event.traceparent })));
  }
  await saveOrders(
    trx,
    [...orders.values()].filter((order) => order.changed),
  );
  if (raised.length > 0) await emit(raised);
  for (const e of raised) ctx.metrics.business.inc({ event: e.type.replace('.', '_') });
}
