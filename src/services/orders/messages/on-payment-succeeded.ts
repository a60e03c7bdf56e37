import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayment } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Paid: a waiting order is confirmed (`order.confirmed`); one cancelled meanwhile stays cancelled and payments refunds it. */
export const onPaymentSucceeded = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentSucceededType,
  handle: async (event, trx) => {
    const data = payloadOf(PaymentSucceededData, event);
    await recordPayment(ctx, trx, { event, orderId: data.orderId }, (order, at) => order.paymentSucceeded(data.attempts, at));
  },
});
