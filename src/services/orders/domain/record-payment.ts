import type { Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../../contracts/events/envelope.js';
import { writeOutboxEvents } from '../../../platform/messaging/outbox.js';
import type { OrdersDb } from '../data/orders-db.js';
import { changeOrder } from './change-order.js';
import type { Order } from './order.js';
import type { OrdersContext } from './orders-context.js';

/**
 * Applies a fact from payments to its order, in the consumer's transaction (the one that records
 * the event as handled). The aggregate absorbs repeats and late facts, so this is idempotent by
 * state as well as by the inbox. Events raised go to the outbox in the same transaction.
 */
export async function recordPayment(
  ctx: OrdersContext,
  trx: Transaction<OrdersDb>,
  fact: { event: EventEnvelope; orderId: string },
  apply: (order: Order, at: Date) => NewEvent[],
): Promise<NewEvent[]> {
  const { event, orderId } = fact;
  const changed = await changeOrder(
    trx,
    (events) => writeOutboxEvents(trx, events, { traceparent: event.traceparent }),
    { orderId },
    (order) => apply(order, ctx.clock.now()),
  );
  if (!changed) {
    // Orders are written before payments can hear of them: this is not one of ours.
    ctx.logger.warn({ eventId: event.id, type: event.type, orderId }, 'payment event for an unknown order ignored');
    return [];
  }
  for (const raised of changed.events) ctx.metrics.business.inc({ event: raised.type.replace('.', '_') });
  return changed.events;
}
