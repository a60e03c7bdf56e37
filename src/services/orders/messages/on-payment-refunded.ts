import { PaymentRefundedData, paymentRefundedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order } from '../domain/order.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Refunded (a cancelled order that had been paid): the order's payment shows `refunded`. */
export const onPaymentRefunded = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentRefundedType,
  handleBatch: async (events, trx) => {
    const facts = events.map((event) => {
      const data = payloadOf(PaymentRefundedData, event);
      return { event, orderId: data.orderId, apply: (order: Order, at: Date) => order.paymentRefunded(at) };
    });
    await recordPayments(ctx, trx, facts);
  },
});
