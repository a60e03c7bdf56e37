import { OrderCancelledData, orderCancelledType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { CatalogDb } from '../data/catalog-db.js';
import { lockStockRowsOf, takeOrderAdvisoryLocks } from '../data/reservation-repository.js';
import type { CatalogContext } from '../domain/catalog-context.js';
import { returnOrderStock } from '../domain/return-order-stock.js';
import type { StockStep } from '../domain/stock-step.js';

/**
 * The orders were cancelled: a hold is released, committed stock (a paid order cancelled by the
 * customer) goes back on hand. Decided by the reservation's state, not by the event's
 * `previousStatus`, so the order in which payment and cancellation arrive does not matter.
 */
export function onOrderCancelled(ctx: CatalogContext): Subscription<CatalogDb> {
  return {
    event: orderCancelledType,
    async handleBatch(events, trx, context) {
      const cancelled = events.map((event) => ({
        orderId: payloadOf(OrderCancelledData, event).orderId,
        traceparent: event.traceparent,
      }));
      const orderIds = cancelled.map((c) => c.orderId);
      // First the locks of every order of the batch, in the order every catalog transaction takes
      // them: one order after another, the stock rows would be locked out of that order.
      await takeOrderAdvisoryLocks(trx, orderIds);
      await lockStockRowsOf(trx, orderIds);
      const productIds = new Set<string>();
      for (const { orderId, traceparent } of cancelled) {
        // The stock events go out with the inbox row, traced to the cancellation.
        const step: StockStep = { trx, now: ctx.clock.now(), emit: (raised) => context.emit(raised, { traceparent }) };
        for (const id of (await returnOrderStock(step, orderId)).productIds) productIds.add(id);
      }
      // After the commit: dropped earlier, a read in between would cache the old stock again.
      if (productIds.size > 0) context.afterCommit(() => ctx.cache.productsChanged([...productIds]));
    },
  };
}
