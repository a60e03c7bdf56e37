import { paymentFailedType, type PaymentFailedData } from '../../../contracts/events/payment-events.js';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { OrdersDb } from '../data/orders-db.js';
import type { OrdersContext } from '../domain/orders-context.js';
import { recordPayment } from '../domain/record-payment.js';

/** Declined: a waiting order is cancelled with `payment_declined` (`order.cancelled` releases its stock). */
export const onPaymentFailed = (ctx: OrdersContext): Subscription<OrdersDb> => ({
  event: paymentFailedType,
  handle: async (event, trx) => {
    const { data } = event as EventEnvelope<typeof paymentFailedType, PaymentFailedData>;
    await recordPayment(ctx, trx, event as EventEnvelope<string, PaymentFailedData>, (order, at) => order.paymentFailed(data.attempts, at));
  },
});
