import { PaymentFailedData, paymentFailedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayment } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Declined: a waiting order is cancelled with `payment_declined` (`order.cancelled` releases its stock). */
export const onPaymentFailed = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentFailedType,
  handle: async (event, trx) => {
    const data = payloadOf(PaymentFailedData, event);
    await recordPayment(ctx, trx, { event, orderId: data.orderId }, (order, at) => order.paymentFailed(data.attempts, at));
  },
});
