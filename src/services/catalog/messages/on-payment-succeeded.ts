import { PaymentSucceededData, paymentSucceededType } from '../../../contracts/events/payment-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { CatalogDb } from '../data/catalog-db.js';
import { lockStockRowsOf, takeOrderAdvisoryLocks } from '../data/reservation-repository.js';
import type { CatalogContext } from '../domain/catalog-context.js';
import { commitReservationsIn } from '../domain/commit-reservation.js';
import type { StockStep } from '../domain/stock-step.js';

/** The orders are paid: their held stock leaves on-hand for good. */
export function onPaymentSucceeded(ctx: CatalogContext): Subscription<CatalogDb> {
  return {
    event: paymentSucceededType,
    async handleBatch(events, trx, context) {
      const orders = events.map((event) => ({
        orderId: payloadOf(PaymentSucceededData, event).orderId,
        traceparent: event.traceparent,
      }));
      const orderIds = orders.map((o) => o.orderId);
      // First the locks, in the order every catalog transaction takes them, so that committing the
      // whole batch never waits on a request that waits on it.
      await takeOrderAdvisoryLocks(trx, orderIds);
      await lockStockRowsOf(trx, orderIds);
      // Each event raised carries its own cause's trace context.
      const step: StockStep = { trx, now: ctx.clock.now(), emit: context.emit };
      const { statuses, productIds } = await commitReservationsIn(step, orders);
      for (const [orderId, status] of statuses) {
        if (status === 'committed') continue;
        // Paid, but the stock went back first (the hold expired): worth a look by a person.
        ctx.logger.warn({ orderId, status }, 'payment succeeded for an order whose stock is no longer held');
      }
      // After the commit: dropped earlier, a read in between would cache the old stock again.
      if (productIds.length > 0) context.afterCommit(() => ctx.cache.productsChanged(productIds));
    },
  };
}
