import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { CatalogDb } from '../data/catalog-db.js';
import type { CatalogContext } from '../domain/catalog-context.js';
import { commitReservationIn } from '../domain/commit-reservation.js';
import { payloadOf, stepIn } from './handler-support.js';

/** The order is paid: its held stock leaves on-hand for good. */
export function onPaymentSucceeded(ctx: CatalogContext): Subscription<CatalogDb> {
  return {
    event: paymentSucceededType,
    async handle(event, trx, context) {
      const { orderId } = payloadOf(PaymentSucceededData, event);
      const { status, productIds } = await commitReservationIn(stepIn(trx, event, ctx.clock.now()), orderId);
      if (status !== 'committed') {
        // Paid, but the stock went back first (the hold expired): worth a look by a person.
        ctx.logger.warn({ orderId, status }, 'payment succeeded for an order whose stock is no longer held');
      }
      // After the commit: dropped earlier, a read in between would cache the old stock again.
      if (productIds.length > 0) context.afterCommit(() => ctx.cache.productsChanged(productIds));
    },
  };
}
