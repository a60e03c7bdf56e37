import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from './retry-with-backoff.js';

const policy = (attempts: number, failures: number[] = [], signal = new AbortController().signal) => ({
  attempts,
  baseMs: 1,
  signal,
  onFailure: (_err: unknown, attempt: number) => void failures.push(attempt),
});

describe('retryWithBackoff', () => {
  it('tries again until the run succeeds', async () => {
    let calls = 0;
    const failures: number[] = [];
    const tried = await retryWithBackoff(
      async () => (++calls < 3 ? Promise.reject(new Error('flaky')) : 'done'),
      policy(5, failures),
    );
    expect(tried).toEqual({ ok: true, value: 'done' });
    expect(failures).toEqual([1, 2]);
  });

  it('gives up after the attempts, counting a failure the caller already had', async () => {
    let calls = 0;
    const failures: number[] = [];
    const tried = await retryWithBackoff(() => Promise.reject(new Error(`no ${++calls}`)), policy(3, failures), {
      error: new Error('no 0'),
    });
    expect(tried).toEqual({ ok: false, error: new Error('no 2'), attempts: 3 });
    expect(calls).toBe(2);
    expect(failures).toEqual([1, 2, 3]);
  });

  it('makes the failure after an abort the last', async () => {
    const stopping = new AbortController();
    let calls = 0;
    const tried = await retryWithBackoff(
      async () => {
        calls += 1;
        stopping.abort();
        throw new Error('down');
      },
      { ...policy(10), baseMs: 60_000, signal: stopping.signal },
    );
    expect(tried).toMatchObject({ ok: false, attempts: 1 });
    expect(calls).toBe(1);
  });
});
