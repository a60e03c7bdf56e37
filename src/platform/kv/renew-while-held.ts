import type { KvStore } from './kv-store.js';

/**
 * Keeps a key set to `value` alive while its holder works: every third of `ttlMs` its expiry is
 * set to `ttlMs` again, as long as it still holds `value`. A holder that works long keeps its key;
 * one whose process died loses it within `ttlMs`. Returns the function that stops renewing.
 */
export function renewWhileHeld(
  kv: KvStore,
  key: string,
  value: string,
  ttlMs: number,
  onError: (err: unknown) => void,
): () => void {
  const timer = setInterval(() => {
    kv.compareAndSet(key, value, value, ttlMs).then((held) => {
      if (!held) clearInterval(timer);
    }, onError);
  }, ttlMs / 3);
  // A renewal never keeps a stopping process alive: its key lapses like a dead one's.
  timer.unref();
  return () => clearInterval(timer);
}
