import { OrderCancelledData, orderCancelledType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { CatalogDb } from '../data/catalog-db.js';
import type { CatalogContext } from '../domain/catalog-context.js';
import { returnOrderStock } from '../domain/return-order-stock.js';
import type { StockStep } from '../domain/stock-step.js';

/**
 * The order was cancelled: a hold is released, committed stock (a paid order cancelled by the
 * customer) goes back on hand. Decided by the reservation's state, not by the event's
 * `previousStatus`, so the order in which payment and cancellation arrive does not matter.
 */
export function onOrderCancelled(ctx: CatalogContext): Subscription<CatalogDb> {
  return {
    event: orderCancelledType,
    async handle(event, trx, context) {
      const { orderId } = payloadOf(OrderCancelledData, event);
      // The stock events go out with the inbox row, traced to the cancellation.
      const step: StockStep = { trx, now: ctx.clock.now(), emit: (events) => context.emit(events, { traceparent: event.traceparent }) };
      const { productIds } = await returnOrderStock(step, orderId);
      // After the commit: dropped earlier, a read in between would cache the old stock again.
      if (productIds.length > 0) context.afterCommit(() => ctx.cache.productsChanged(productIds));
    },
  };
}
