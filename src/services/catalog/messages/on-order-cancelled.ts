import { OrderCancelledData, orderCancelledType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { CatalogDb } from '../data/catalog-db.js';
import type { CatalogContext } from '../domain/catalog-context.js';
import { returnOrderStock } from '../domain/return-order-stock.js';
import { payloadOf, stepIn } from './handler-support.js';

/**
 * The order was cancelled: a hold is released, committed stock (a paid order cancelled by the
 * customer) goes back on hand. Decided by the reservation's state, not by the event's
 * `previousStatus`, so the order in which payment and cancellation arrive does not matter.
 */
export function onOrderCancelled(ctx: CatalogContext): Subscription<CatalogDb> {
  return {
    event: orderCancelledType,
    async handle(event, trx) {
      const { orderId } = payloadOf(OrderCancelledData, event);
      const { productIds } = await returnOrderStock(stepIn(trx, event, ctx.clock.now()), orderId);
      // Key deletions only, before the commit (see on-payment-succeeded.ts).
      if (productIds.length > 0) await ctx.cache.productsChanged(productIds);
    },
  };
}
