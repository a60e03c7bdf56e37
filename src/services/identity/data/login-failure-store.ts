import { createHash } from 'node:crypto';
import type { CounterResult, KvStore } from '../../../platform/kv/kv-store.js';

/** The key names the account by a hash of its email: the store never holds an address. */
const key = (email: string) =>
  `identity:login-failures:${createHash('sha256').update(email.toLowerCase()).digest('base64url')}`;

/**
 * Login attempts per email in a fixed window that starts at the first one counted, shared by
 * every identity process on one store. Emails are compared without case, as accounts are.
 */
export function loginFailureStore(kv: KvStore, windowMs: number) {
  return {
    count: (email: string): Promise<CounterResult> => kv.increment(key(email), windowMs),

    async clear(email: string): Promise<void> {
      await kv.del(key(email));
    },
  };
}

export type LoginFailureStore = ReturnType<typeof loginFailureStore>;
