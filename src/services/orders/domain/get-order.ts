import { AppError } from '../../../platform/http/errors.js';
import { findOrder } from '../data/order-repository.js';
import { toOrderView, type OrderView } from './order-view.js';
import type { OrdersContext } from './orders-context.js';

/** One of the user's own orders; another user's order is as unknown as a missing one. */
export async function getOrder(ctx: OrdersContext, input: { orderId: string; userId: string }): Promise<OrderView> {
  const order = await findOrder(ctx.db, input.orderId, input.userId);
  if (!order) throw new AppError('not_found', 'No such order.');
  return toOrderView(order);
}
