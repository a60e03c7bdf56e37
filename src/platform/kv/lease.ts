import { randomUUID } from 'node:crypto';
import type { KvStore } from './kv-store.js';
import { renewWhileHeld } from './renew-while-held.js';

/** A key this process holds in the store, renewed while it works (`renewWhileHeld`). */
export interface Lease {
  /** What the key holds while leased: unique to this holder. */
  readonly value: string;
  /** Stops renewing and deletes the key, or replaces it with `next` (for `ttlMs`), if still ours. */
  end(next?: { value: string; ttlMs: number }): Promise<void>;
  /** Stops renewing and leaves the key to lapse within `ttlMs`. */
  leave(): void;
}

/**
 * Takes `key` (SET NX) for as long as the holder works, or undefined when another holds it. Its
 * value is `valueOf(holder)`, holder a fresh id. A process that dies holding it frees it within
 * `ttlMs`. `onError` hears of failed renewals and ends: the key then lapses on its own.
 */
export async function acquireLease(
  kv: KvStore,
  key: string,
  ttlMs: number,
  onError: (err: unknown) => void,
  valueOf: (holder: string) => string = (holder) => holder,
): Promise<Lease | undefined> {
  const value = valueOf(randomUUID());
  if (!(await kv.set(key, value, { ifAbsent: true, ttlMs }))) return undefined;
  const stopRenewing = renewWhileHeld(kv, key, value, ttlMs, onError);
  return {
    value,
    end: (next) => {
      stopRenewing();
      // Only our own value: past its expiry another holder may have the key.
      return kv.compareAndSet(key, value, next?.value ?? null, next?.ttlMs).then(() => undefined, onError);
    },
    leave: stopRenewing,
  };
}
