import { AppError } from '../../../platform/http/errors.js';
import { changeOrder } from './change-order.js';
import { OrderTransitionError, type Shipment } from './order.js';
import { toAdminOrderView, type AdminOrderView } from './order-view.js';
import type { OrdersContext } from './orders-context.js';

/** An admin hands a confirmed (paid) order to a carrier. */
export async function shipOrder(
  ctx: OrdersContext,
  input: { orderId: string; shipment: Shipment; traceparent?: string | null },
): Promise<AdminOrderView> {
  const changed = await ctx.outbox.transaction(async (trx, emit) =>
    changeOrder(
      trx,
      (events) => emit(events, { traceparent: input.traceparent ?? null }),
      { orderId: input.orderId },
      (order) => {
        try {
          return order.ship(input.shipment, ctx.clock.now());
        } catch (err) {
          if (!(err instanceof OrderTransitionError)) throw err;
          throw new AppError('order_not_shippable', `The order is ${err.from}; only confirmed orders can be shipped.`, {
            orderStatus: err.from,
          });
        }
      },
    ),
  );
  if (!changed) throw new AppError('not_found', 'No such order.');
  ctx.metrics.business.inc({ event: 'order_shipped' });
  return toAdminOrderView(changed.order);
}
