import { listOrderPage } from '../data/order-repository.js';
import type { OrderSnapshot, OrderStatus } from './order.js';
import { decodeOrderCursor, encodeOrderCursor } from './order-cursor.js';
import { toAdminOrderView, toOrderView, type AdminOrderView, type OrderView } from './order-view.js';
import type { OrdersContext } from './orders-context.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** The user's own orders, newest first. */
export const listOwnOrders = (ctx: OrdersContext, userId: string, page: PageRequest): Promise<Page<OrderView>> =>
  listPage(ctx, { ...page, userId }, toOrderView);

/** Every order, newest first, optionally only those in one status. */
export const listAllOrders = (
  ctx: OrdersContext,
  page: PageRequest & { status?: OrderStatus | undefined },
): Promise<Page<AdminOrderView>> => listPage(ctx, page, toAdminOrderView);

async function listPage<T>(
  ctx: OrdersContext,
  q: PageRequest & { userId?: string; status?: OrderStatus | undefined },
  view: (order: OrderSnapshot) => T,
): Promise<Page<T>> {
  const after = q.cursor ? decodeOrderCursor(q.cursor) : undefined;
  // One more than asked tells whether another page follows.
  const rows = await listOrderPage(ctx.db, { userId: q.userId, status: q.status, after, limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > q.limit && last ? encodeOrderCursor(last) : null,
  };
}
