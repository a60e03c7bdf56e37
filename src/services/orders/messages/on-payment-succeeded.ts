import { paymentSucceededType, type PaymentSucceededData } from '../../../contracts/events/payment-events.js';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayment } from '../domain/record-payment.js';

/** Paid: a waiting order is confirmed (`order.confirmed`); one cancelled meanwhile stays cancelled and payments refunds it. */
export const onPaymentSucceeded = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentSucceededType,
  handle: async (event, trx) => {
    const { data } = event as EventEnvelope<typeof paymentSucceededType, PaymentSucceededData>;
    await recordPayment(ctx, trx, event as EventEnvelope<string, PaymentSucceededData>, (order, at) => order.paymentSucceeded(data.attempts, at));
  },
});
