import type { CatalogContext } from './catalog-context.js';
import { releaseReservation } from './release-reservation.js';

const batchSize = 200;

/**
 * Releases holds nobody committed in time (an order that never got placed, a lost message).
 * Safe in every instance at once: each release locks its order and re-checks.
 */
export async function releaseExpiredReservations(ctx: CatalogContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('reservations')
    .select('order_id')
    .distinct()
    .where('status', '=', 'held')
    .where('expires_at', '<=', now)
    .limit(batchSize)
    .execute();
  let released = 0;
  for (const { order_id } of due) {
    const outcome = await releaseReservation(ctx, order_id, { reason: 'expired', expiredBy: now });
    if (outcome.status === 'released') released += 1;
  }
  return released;
}
