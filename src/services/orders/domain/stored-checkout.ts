import { findIdempotencyRecord } from '../data/idempotency-repository.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CheckoutAnswer, CheckoutOutcome } from './checkout-outcome.js';
import type { OrdersContext } from './orders-context.js';

/**
 * The stored answer of an earlier checkout with this user's key, or undefined when there is none.
 * The same key with another request body is refused: it would not be a retry.
 */
export async function storedCheckout(
  ctx: OrdersContext,
  userId: string,
  idempotency: { key: string; fingerprint: string },
): Promise<CheckoutAnswer | undefined> {
  const stored = await findIdempotencyRecord<CheckoutOutcome>(ctx.db, userId, idempotency.key);
  if (!stored) return undefined;
  if (stored.fingerprint !== idempotency.fingerprint) throw keyReused();
  return { outcome: stored.outcome, replayed: true };
}

export const keyReused = () =>
  new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for a checkout with another request body. Use a new key for a new checkout.');
