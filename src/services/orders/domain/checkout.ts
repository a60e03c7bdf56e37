import { createHash } from 'node:crypto';
import type { CheckoutAnswer, CheckoutRequest } from './checkout-outcome.js';
import { markRunning, requestInProgress } from './checkout-key-marker.js';
import type { OrdersContext } from './orders-context.js';
import { placeOrder } from './place-order.js';
import { storedCheckout } from './stored-checkout.js';

export interface CheckoutInput {
  userId: string;
  idempotencyKey: string;
  request: CheckoutRequest;
  traceparent?: string | null;
}

/**
 * `POST /checkout` with its Idempotency-Key. No database write marks a request as running (that
 * would cost a commit per checkout) and the first attempt of a key reads nothing from the database
 * either: a marker in the key-value store says whether the key is running or done. The primary key
 * (user, key) of the idempotency record, written with the order, is the last guard: a replay the
 * store forgot runs again, loses on that key, gives its reservation back and answers the stored one.
 *
 * - a replay while the first request runs: 409 idempotency_request_in_progress (422 if its body differs)
 * - a replay after it, or after its process died: the stored answer once there is one, or 422
 *   idempotency_key_reused for another body; with none, it runs again once the dead process's
 *   marker lapsed (`runningMarkerTtlMs`)
 * - another key while the user's checkout runs, or for a cart read an order was placed from:
 *   409 checkout_in_progress (`placeOrder`)
 */
export async function checkout(ctx: OrdersContext, input: CheckoutInput): Promise<CheckoutAnswer> {
  const idempotency = { key: input.idempotencyKey, fingerprint: fingerprintOf(input.request) };
  // The cart is read while the key is marked, one round trip instead of two in a row; a key that
  // turns out to be running or done wastes that read. Read before the checkout lock is taken, it
  // may predate another checkout's order: the cart version the order records catches that.
  const cart = ctx.carts.linesOf(input.userId);
  cart.catch(() => undefined);
  const place = (afterRecorded?: () => Promise<void>) =>
    placeOrder(ctx, { userId: input.userId, request: input.request, idempotency, traceparent: input.traceparent ?? null, cart, afterRecorded });
  const held = await markRunning(ctx, input.userId, idempotency);
  // Done by the marker but without a record: the database forgot the key (purged), so it is new again.
  if (held === 'done') return (await storedCheckout(ctx, input.userId, idempotency)) ?? place();
  // Running, or its process died after recording the answer but before marking the key done.
  if (held === 'running') return (await storedCheckout(ctx, input.userId, idempotency)) ?? Promise.reject(requestInProgress());
  // Marked done as soon as the answer is recorded, alongside what follows, rather than after it.
  let finished: Promise<void> | undefined;
  const finish = () => (finished ??= held.finish());
  const answer = await place(finish).catch(async (err: unknown) => {
    if (!finished) await held.release();
    throw err;
  });
  await finish();
  return answer;
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
