import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { Order } from '../domain/order.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayments } from '../domain/record-payment.js';
import { payloadOf } from './payload-of.js';

/** Paid: a waiting order is confirmed (`order.confirmed`); one cancelled meanwhile stays cancelled and payments refunds it. */
export const onPaymentSucceeded = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentSucceededType,
  handleBatch: async (events, trx) => {
    const facts = events.map((event) => {
      const data = payloadOf(PaymentSucceededData, event);
      return { event, orderId: data.orderId, apply: (order: Order, at: Date) => order.paymentSucceeded(data.attempts, at) };
    });
    await recordPayments(ctx, trx, facts);
  },
});
