import { PaymentFailedData, paymentFailedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments, type PaymentFact } from '../domain/record-payments.js';

/** Declined: a waiting order is cancelled with `payment_declined` (`order.cancelled` releases its stock). */
export function onPaymentFailed(ctx: OrdersContext): Subscription<OrdersDb> {
  return {
    event: paymentFailedType,
    async handleBatch(events, trx, context) {
      const facts = events.map((event): PaymentFact => {
        const { orderId, attempts } = payloadOf(PaymentFailedData, event);
        return { event, orderId, apply: (order, at) => order.paymentFailed(attempts, at) };
      });
      await recordPayments(ctx, trx, context.emit, facts);
    },
  };
}
