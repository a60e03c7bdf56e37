import { stalePendingOrderIds } from '../data/order-repository.js';
import { changeOrder } from './change-order.js';
import type { OrdersContext } from './orders-context.js';

const batchSize = 100;

/**
 * Cancels orders that waited for their payment longer than the timeout (`payment_timeout`);
 * `order.cancelled` makes the catalog release their stock. Safe in every instance at once: each
 * order is locked and re-checked in its own transaction. Returns how many it cancelled.
 */
export async function cancelStaleOrders(ctx: OrdersContext): Promise<number> {
  const now = ctx.clock.now();
  const placedBefore = new Date(now.getTime() - ctx.paymentTimeoutMs);
  let cancelled = 0;
  for (const orderId of await stalePendingOrderIds(ctx.db, placedBefore, batchSize)) {
    const changed = await ctx.outbox.transaction((trx, emit) =>
      changeOrder(trx, emit, { orderId }, (order) =>
        order.status === 'pending_payment' && order.snapshot.createdAt <= placedBefore
          ? order.cancel('payment_timeout', now)
          : [],
      ),
    );
    if (changed?.events.length) {
      cancelled += 1;
      ctx.metrics.business.inc({ event: 'order_cancelled' });
    }
  }
  return cancelled;
}
