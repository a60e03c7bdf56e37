import { deleteIdempotencyRecordsBefore } from '../data/idempotency-repository.js';
import type { OrdersContext } from './orders-context.js';

/** Forgets checkout Idempotency-Keys older than their retention (at least 24 hours). */
export async function purgeIdempotencyKeys(ctx: OrdersContext): Promise<number> {
  return deleteIdempotencyRecordsBefore(ctx.db, new Date(ctx.clock.now().getTime() - ctx.idempotencyTtlMs));
}
