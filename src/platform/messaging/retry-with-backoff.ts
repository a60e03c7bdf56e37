import { setTimeout as sleep } from 'node:timers/promises';

export type Tried<T> = { ok: true; value: T } | { ok: false; error: unknown; attempts: number };

export interface RetryPolicy {
  attempts: number;
  /** The wait after the first failure; each one after waits twice as long as the one before. */
  baseMs: number;
  /** Once aborted, the wait under way ends at once, and the next failure is the last. */
  signal: AbortSignal;
  onFailure(error: unknown, attempt: number): void;
}

/**
 * Runs `run` until it succeeds or `policy.attempts` tries failed, counting `firstFailure`, a try
 * the caller already made.
 */
export async function retryWithBackoff<T>(
  run: () => Promise<T>,
  policy: RetryPolicy,
  firstFailure?: { error: unknown },
): Promise<Tried<T>> {
  const tryOnce = () =>
    run().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  let tried = firstFailure ? { ok: false as const, error: firstFailure.error } : await tryOnce();
  for (let attempt = 1; !tried.ok; attempt += 1) {
    policy.onFailure(tried.error, attempt);
    if (attempt >= policy.attempts || policy.signal.aborted)
      return { ok: false, error: tried.error, attempts: attempt };
    // Jitter only lengthens the wait, so waits never shrink from one attempt to the next.
    const waitMs = policy.baseMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.25);
    await sleep(waitMs, undefined, { signal: policy.signal }).catch(() => undefined);
    tried = await tryOnce();
  }
  return tried;
}
