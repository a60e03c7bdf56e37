import { PaymentFailedData, paymentFailedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order } from '../domain/order.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Declined: a waiting order is cancelled with `payment_declined` (`order.cancelled` releases its stock). */
export const onPaymentFailed = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentFailedType,
  handleBatch: async (events, trx) => {
    const facts = events.map((event) => {
      const data = payloadOf(PaymentFailedData, event);
      return { event, orderId: data.orderId, apply: (order: Order, at: Date) => order.paymentFailed(data.attempts, at) };
    });
    await recordPayments(ctx, trx, facts);
  },
});
