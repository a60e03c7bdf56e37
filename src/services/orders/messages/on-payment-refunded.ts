import { PaymentRefundedData, paymentRefundedType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayment } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Refunded (a cancelled order that had been paid): the order's payment shows `refunded`. */
export const onPaymentRefunded = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentRefundedType,
  handle: async (event, trx) => {
    const data = payloadOf(PaymentRefundedData, event);
    await recordPayment(ctx, trx, { event, orderId: data.orderId }, (order, at) => order.paymentRefunded(at));
  },
});
