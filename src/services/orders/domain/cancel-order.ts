import { AppError } from '../../../platform/http/errors.js';
import { changeOrder } from './change-order.js';
import { OrderTransitionError } from './order.js';
import { toOrderView, type OrderView } from './order-view.js';
import type { OrdersContext } from './orders-context.js';

/**
 * The customer cancels their own order while it waits for payment or is confirmed. `order.cancelled`
 * tells the catalog to release the stock and payments to refund a captured payment.
 */
export async function cancelOrder(
  ctx: OrdersContext,
  input: { orderId: string; userId: string; traceparent?: string | null },
): Promise<OrderView> {
  const changed = await ctx.outbox.transaction(async (trx, emit) =>
    changeOrder(
      trx,
      (events) => emit(events, { traceparent: input.traceparent ?? null }),
      input,
      (order) => {
        try {
          return order.cancel('customer_request', ctx.clock.now());
        } catch (err) {
          if (!(err instanceof OrderTransitionError)) throw err;
          throw new AppError(
            'order_not_cancellable',
            `The order is ${err.from}; only orders waiting for payment or confirmed can be cancelled.`,
            { orderStatus: err.from },
          );
        }
      },
    ),
  );
  if (!changed) throw new AppError('not_found', 'No such order.');
  ctx.metrics.business.inc({ event: 'order_cancelled' });
  return toOrderView(changed.order);
}
