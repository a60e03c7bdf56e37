import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments, type PaymentFact } from '../domain/record-payments.js';

/** Paid: a waiting order is confirmed (`order.confirmed`); one cancelled meanwhile stays cancelled and payments refunds it. */
export function onPaymentSucceeded(ctx: OrdersContext): Subscription<OrdersDb> {
  return {
    event: paymentSucceededType,
    async handleBatch(events, trx, context) {
      const facts = events.map((event): PaymentFact => {
        const { orderId, attempts } = payloadOf(PaymentSucceededData, event);
        return { event, orderId, apply: (order, at) => order.paymentSucceeded(attempts, at) };
      });
      await recordPayments(ctx, trx, context.emit, facts);
    },
  };
}
