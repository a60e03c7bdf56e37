import type { Static, TSchema } from 'typebox';
import type { NewEvent } from '../../../contracts/events/envelope.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order } from '../domain/order.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments } from '../domain/record-payment.js';

/** A payment event whose data names its order: a batch of them is applied to their orders at once. */
export function onPaymentFact<S extends TSchema>(
  ctx: OrdersContext,
  type: string,
  schema: S,
  apply: (order: Order, data: Static<S> & { orderId: string }, at: Date) => NewEvent[],
): Subscription<OrdersDb> {
  return {
    event: type,
    handleBatch: async (events, trx, context) => {
      const facts = events.map((event) => {
        const data = payloadOf(schema, event) as Static<S> & { orderId: string };
        return { event, orderId: data.orderId, apply: (order: Order, at: Date) => apply(order, data, at) };
      });
      await recordPayments(ctx, trx, context.emit, facts);
    },
  };
}
