import { randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/http/errors.js';
import type { OrdersContext } from './orders-context.js';
import { keyReused } from './stored-checkout.js';

/** Longer than any checkout takes; a marker left running by a crashed process frees itself after this. */
const runningTtlMs = 60_000;

/** What the key-value store knows of a user's Idempotency-Key. */
interface Marker {
  fingerprint: string;
  /** Set while running: which request holds the key. */
  holder?: string;
  /** Set once its answer is kept in the database. */
  done?: true;
}

/** A key this request holds: `finish` once its answer is in the database, `release` when there is none. */
export interface HeldKey {
  finish(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Marks the key running (SET NX): held, when the store knows no earlier request with it; 'done'
 * when one finished with the same body. Throws 409 while one runs, 422 for another body. Only a
 * hint that spares database reads: a store that lost its markers (Redis flushed, memory store
 * restarted) makes a replay run again, and the unique key of the idempotency record catches it.
 */
export async function markRunning(ctx: OrdersContext, userId: string, idempotency: { key: string; fingerprint: string }): Promise<HeldKey | 'done'> {
  const key = `orders:checkout:${userId}:${idempotency.key}`;
  const running = JSON.stringify({ fingerprint: idempotency.fingerprint, holder: randomUUID() } satisfies Marker);
  if (!(await ctx.kv.set(key, running, { ifAbsent: true, ttlMs: runningTtlMs }))) {
    const held = await ctx.kv.get(key);
    const marker = held ? (JSON.parse(held) as Partial<Marker>) : {};
    if (marker.fingerprint !== undefined && marker.fingerprint !== idempotency.fingerprint) throw keyReused();
    if (marker.done) return 'done';
    throw new AppError('idempotency_request_in_progress', 'A checkout with this Idempotency-Key is still running. Retry in a moment to get its answer.');
  }
  const done = JSON.stringify({ fingerprint: idempotency.fingerprint, done: true } satisfies Marker);
  // Only our own marker: after its expiry another request may hold the key.
  const swap = (next: string | null, ttlMs?: number) =>
    ctx.kv.compareAndSet(key, running, next, ttlMs).then(
      () => undefined,
      (err: unknown) => ctx.logger.warn({ err }, 'updating a checkout key marker failed; it expires'),
    );
  return {
    // As long as the answer is kept: until then a replay reads it instead of running again.
    finish: () => swap(done, ctx.idempotencyTtlMs),
    release: () => swap(null),
  };
}
