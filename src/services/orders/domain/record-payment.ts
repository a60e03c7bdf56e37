import type { Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../../contracts/events/envelope.js';
import type { Emit } from '../../../platform/messaging/outbox.js';
import type { OrdersDb } from '../data/orders-db.js';
import { changeOrders } from './change-order.js';
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
 * the events as handled), in the order given. The aggregate absorbs repeats and late facts, so
 * this is idempotent by state as well as by the inbox. Events raised go to the outbox in the same
 * transaction, each traced to the fact that caused it.
 */
export async function recordPayments(ctx: OrdersContext, trx: Transaction<OrdersDb>, emit: Emit, facts: PaymentFact[]): Promise<void> {
  const at = ctx.clock.now();
  const results = await changeOrders(
    trx,
    emit,
    facts.map(({ event, orderId, apply }) => ({ orderId, decide: (order) => apply(order, at), traceparent: event.traceparent })),
  );
  results.forEach((changed, i) => {
    const { event, orderId } = facts[i] as PaymentFact;
    // Orders are written before payments can hear of them: this is not one of ours.
    if (!changed) ctx.logger.warn({ eventId: event.id, type: event.type, orderId }, 'payment event for an unknown order ignored');
    for (const raised of changed?.events ?? []) ctx.metrics.business.inc({ event: raised.type.replace('.', '_') });
  });
}
