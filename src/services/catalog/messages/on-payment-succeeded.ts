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
    async handle(event, trx) {
      const { orderId } = payloadOf(PaymentSucceededData, event);
      const { status, productIds } = await commitReservationIn(stepIn(trx, event, ctx.clock.now()), orderId);
      if (status !== 'committed') {
        // Paid, but the stock went back first (the hold expired): worth a look by a person.
        ctx.logger.warn({ orderId, status }, 'payment succeeded for an order whose stock is no longer held');
      }
      // Key deletions only, before the commit: a read in between may re-cache the old stock
      // level until the cache ttl ends, which a stock figure on a product page can bear.
      if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
    },
  };
}
