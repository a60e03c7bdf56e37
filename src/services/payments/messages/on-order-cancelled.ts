import { OrderCancelledData, orderCancelledType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { cancelOrderPayment } from '../domain/cancel-order-payment.js';
import type { PaymentsContext } from '../domain/payments-context.js';

/** The order was cancelled: a payment not yet charged never will be, a captured one is refunded. */
export function onOrderCancelled(ctx: PaymentsContext): Subscription<PaymentsDb> {
  return {
    event: orderCancelledType,
    async handle(event, trx) {
      await cancelOrderPayment(trx, payloadOf(OrderCancelledData, event), ctx.clock.now());
      // A refund may now be due.
      ctx.work.expect();
    },
  };
}
