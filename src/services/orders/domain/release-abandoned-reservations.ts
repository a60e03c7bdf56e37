import { existingOrderIds } from '../data/order-repository.js';
import type { OrdersContext } from './orders-context.js';
import { orderDeadlineMs } from './checkout.js';

/**
 * Age at which a reservation without an order is taken for abandoned: its checkout's deadline
 * (`orderDeadlineMs`) passed at least as long ago again, far more than a write begun before it
 * takes to commit, with room for clocks of the catalog and orders hosts that disagree.
 */
export const abandonedAfterMs = 2 * orderDeadlineMs;

/**
 * Gives back the stock of checkouts that died between reserving it and writing their order (a
 * process killed, an answer lost): asks the catalog for reservations held `abandonedAfterMs` whose
 * orders it was not told of, tells it of those that exist (so that each is asked about once) and
 * releases the others, whose orders will never be written now. Safe with any number of orders and
 * catalog instances at once: matching and releasing are idempotent. Returns how many it released.
 */
export async function releaseAbandonedReservations(ctx: OrdersContext): Promise<number> {
  const orderIds = await ctx.inventory.unmatched(abandonedAfterMs);
  if (orderIds.length === 0) return 0;
  const existing = await existingOrderIds(ctx.db, orderIds);
  if (existing.size > 0) await ctx.inventory.match([...existing]);
  const abandoned = orderIds.filter((id) => !existing.has(id));
  for (const orderId of abandoned) await ctx.inventory.release(orderId);
  return abandoned.length;
}
