import { randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/http/errors.js';
import { renewWhileHeld } from '../../../platform/kv/renew-while-held.js';
import type { OrdersContext } from './orders-context.js';

/**
 * How long the lock outlives the last renewal by its checkout: renewed while the checkout runs,
 * however slow, it blocks the user's next checkouts for at most this long after its process died.
 * An expired lock cannot let a cart be ordered twice either: see below.
 */
export const checkoutLockTtlMs = 5_000;

/** The user's checkout, held until `release` or, once `leave` stops renewing it, the lock's expiry. */
export interface CheckoutLock {
  release(): Promise<void>;
  leave(): void;
}

/**
 * One checkout per user at a time, in the key-value store that every orders instance shares
 * (SET NX): a second checkout of the same cart (a double click, another tab) gets 409
 * checkout_in_progress at once instead of reserving its stock again. Undefined when another
 * checkout holds it. Only the quick answer: an order records the cart version it was placed
 * from, unique per user, so a lock that expired or was lost never lets one cart be ordered twice.
 */
export async function lockCheckout(ctx: OrdersContext, userId: string): Promise<CheckoutLock | undefined> {
  const key = `orders:checkout-lock:${userId}`;
  const holder = randomUUID();
  if (!(await ctx.kv.set(key, holder, { ifAbsent: true, ttlMs: checkoutLockTtlMs }))) return undefined;
  const warn = (err: unknown) => ctx.logger.warn({ err }, 'renewing or releasing a checkout lock failed; it expires');
  const stopRenewing = renewWhileHeld(ctx.kv, key, holder, checkoutLockTtlMs, warn);
  return {
    // Only our own lock: after its expiry another checkout may hold it.
    release: () => {
      stopRenewing();
      return ctx.kv.compareAndSet(key, holder, null).then(() => undefined, warn);
    },
    leave: stopRenewing,
  };
}

export const checkoutInProgress = () =>
  new AppError('checkout_in_progress', 'Another checkout of this cart is running or has just placed its order: see your orders, or check out what you add next.');
