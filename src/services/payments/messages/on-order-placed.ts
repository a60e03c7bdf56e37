import { OrderPlacedData, orderPlacedType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { PaymentsDb } from '../data/payments-db.js';
import type { PaymentsContext } from '../domain/payments-context.js';
import { startPayments } from '../domain/start-payment.js';

/** A new order to charge: its payment is recorded here, and the worker charges it outside the consumer. */
export function onOrderPlaced(ctx: PaymentsContext): Subscription<PaymentsDb> {
  return {
    event: orderPlacedType,
    async handleBatch(events, trx) {
      const orders = events.map((event) => payloadOf(OrderPlacedData, event));
      await startPayments(trx, orders, ctx.clock.now());
      ctx.work.expect();
    },
  };
}
