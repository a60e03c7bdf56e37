import type { KvStore } from './kv-store.js';
import { MemoryKvStore } from './memory-kv-store.js';
import { RedisKvStore } from './redis-kv-store.js';

export interface CreateKvStoreOptions {
  redisUrl?: string | undefined;
  redisKeyPrefix: string;
  /** How long to wait for Redis at start-up before giving up. */
  connectTimeoutMs?: number;
}

/** Redis when a URL is configured, the in-memory store otherwise. */
export async function createKvStore(options: CreateKvStoreOptions): Promise<KvStore> {
  if (!options.redisUrl) return new MemoryKvStore();
  const store = new RedisKvStore({ url: options.redisUrl, keyPrefix: options.redisKeyPrefix });
  try {
    await store.waitUntilReady(options.connectTimeoutMs ?? 5_000);
    return store;
  } catch (err) {
    await store.close();
    const url = new URL(options.redisUrl);
    // host:port only: the URL may carry a password.
    throw new Error(`Redis at ${url.hostname}:${url.port || '6379'} did not answer: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
