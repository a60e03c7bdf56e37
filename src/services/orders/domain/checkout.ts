import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/http/errors.js';
import type { CheckoutAnswer, CheckoutRequest } from './checkout-outcome.js';
import type { OrdersContext } from './orders-context.js';
import { placeOrder } from './place-order.js';
import { keyReused, storedCheckout } from './stored-checkout.js';

/** Longer than any checkout takes; a lock left by a crashed process frees itself after this. */
const inFlightTtlMs = 60_000;

export interface CheckoutInput {
  userId: string;
  idempotencyKey: string;
  request: CheckoutRequest;
  traceparent?: string | null;
}

/**
 * `POST /checkout` with its Idempotency-Key. No database write marks a request as running (that
 * would cost a commit per checkout): an in-flight lock in the key-value store does, and the
 * primary key (user, key) of the idempotency record, written with the order, is the last guard.
 *
 * - a replay while the first request runs: 409 idempotency_request_in_progress (422 if its body differs)
 * - a replay after it: the stored answer, or 422 idempotency_key_reused for another body
 */
export async function checkout(ctx: OrdersContext, input: CheckoutInput): Promise<CheckoutAnswer> {
  const idempotency = { key: input.idempotencyKey, fingerprint: fingerprintOf(input.request) };
  const release = await takeInFlightLock(ctx, input.userId, idempotency);
  try {
    const stored = await storedCheckout(ctx, input.userId, idempotency);
    if (stored) return stored;
    return await placeOrder(ctx, { userId: input.userId, request: input.request, idempotency, traceparent: input.traceparent ?? null });
  } finally {
    await release();
  }
}

async function takeInFlightLock(ctx: OrdersContext, userId: string, idempotency: { key: string; fingerprint: string }): Promise<() => Promise<void>> {
  const lockKey = `orders:checkout:${userId}:${idempotency.key}`;
  const mine = JSON.stringify({ fingerprint: idempotency.fingerprint, holder: randomUUID() });
  if (!(await ctx.kv.set(lockKey, mine, { ifAbsent: true, ttlMs: inFlightTtlMs }))) {
    const held = await ctx.kv.get(lockKey);
    const heldFingerprint = held ? (JSON.parse(held) as { fingerprint?: string }).fingerprint : undefined;
    if (heldFingerprint !== undefined && heldFingerprint !== idempotency.fingerprint) throw keyReused();
    throw new AppError('idempotency_request_in_progress', 'A checkout with this Idempotency-Key is still running. Retry in a moment to get its answer.');
  }
  return async () => {
    // Only our own lock: after its expiry another request may hold the key.
    await ctx.kv.compareAndSet(lockKey, mine, null).catch((err: unknown) => ctx.logger.warn({ err }, 'releasing a checkout lock failed; it expires'));
  };
}

/** The request body in a canonical form (keys sorted), hashed: field order does not matter. */
export function fingerprintOf(request: CheckoutRequest): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('base64url');
}
