import { randomUUID } from 'node:crypto';
import { AppError } from '../../../platform/http/errors.js';
import { renewWhileHeld } from '../../../platform/kv/renew-while-held.js';
import type { OrdersContext } from './orders-context.js';
import { keyReused } from './stored-checkout.js';

/**
 * How long a running marker outlives the last renewal by its request: renewed while the checkout
 * runs, however slow, it lapses within this time of a process that died holding it.
 */
export const runningMarkerTtlMs = 5_000;

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
 * when one finished with the same body, 'running' while one runs (or its process died less than
 * `runningMarkerTtlMs` ago). Throws 422 for another body. Only a hint that spares database reads:
 * a store that lost its markers (Redis flushed, memory store restarted) makes a replay run again,
 * and the unique key of the idempotency record catches it.
 */
export async function markRunning(ctx: OrdersContext, userId: string, idempotency: { key: string; fingerprint: string }): Promise<HeldKey | 'done' | 'running'> {
  const key = `orders:checkout:${userId}:${idempotency.key}`;
  const running = JSON.stringify({ fingerprint: idempotency.fingerprint, holder: randomUUID() } satisfies Marker);
  if (!(await ctx.kv.set(key, running, { ifAbsent: true, ttlMs: runningMarkerTtlMs }))) {
    const held = await ctx.kv.get(key);
    const marker = held ? (JSON.parse(held) as Partial<Marker>) : {};
    if (marker.fingerprint !== undefined && marker.fingerprint !== idempotency.fingerprint) throw keyReused();
    return marker.done ? 'done' : 'running';
  }
  const warn = (err: unknown) => ctx.logger.warn({ err }, 'updating a checkout key marker failed; it expires');
  const stopRenewing = renewWhileHeld(ctx.kv, key, running, runningMarkerTtlMs, warn);
  const done = JSON.stringify({ fingerprint: idempotency.fingerprint, done: true } satisfies Marker);
  // Only our own marker: after its expiry another request may hold the key.
  const swap = (next: string | null, ttlMs?: number) => {
    stopRenewing();
    return ctx.kv.compareAndSet(key, running, next, ttlMs).then(() => undefined, warn);
  };
  return {
    // As long as the answer is kept: until then a replay reads it instead of running again.
    finish: () => swap(done, ctx.idempotencyTtlMs),
    release: () => swap(null),
  };
}

export const requestInProgress = () =>
  new AppError('idempotency_request_in_progress', 'A checkout with this Idempotency-Key is still running. Retry in a moment to get its answer.');
