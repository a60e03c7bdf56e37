import { PaymentRefundedData, paymentRefundedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments, type PaymentFact } from '../domain/record-payments.js';

/** Refunded (a cancelled order that had been paid): the order's payment shows `refunded`. */
export function onPaymentRefunded(ctx: OrdersContext): Subscription<OrdersDb> {
  return {
    event: paymentRefundedType,
    async handleBatch(events, trx, context) {
      const facts = events.map((event): PaymentFact => {
        const { orderId } = payloadOf(PaymentRefundedData, event);
        return { event, orderId, apply: (order, at) => order.paymentRefunded(at) };
      });
      await recordPayments(ctx, trx, context.emit, facts);
    },
  };
}
