import { randomUUID } from 'node:crypto';
import type { KvStore } from '../kv/kv-store.js';
import type { Metrics } from '../metrics/metrics.js';

export interface JsonCacheOptions {
  kv: KvStore;
  /** Names the cache in its keys and in the lookup metric. */
  name: string;
  ttlMs: number;
  metrics?: Pick<Metrics, 'cacheLookups'> | undefined;
}

export interface JsonCache {
  /** The cached value, or null on a miss (or when the store cannot be read). */
  get<T>(key: string): Promise<T | null>;
  /** The cached value, else `load()`'s result, cached unless null. Store failures fall through to `load`. */
  getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null>;
  invalidate(...keys: string[]): Promise<void>;
  /**
   * An opaque token that changes whenever `bumpGeneration(ns)` runs: put it in the keys of list
   * caches so that one write makes every list of the namespace unreachable.
   */
  generation(ns: string): Promise<string>;
  bumpGeneration(ns: string): Promise<void>;
}

// A counter that expired would restart at 0 and could meet entries cached under its old values,
// so it lives far longer than any entry and every bump extends it.
const MIN_GENERATION_TTL_MS = 30 * 24 * 3600 * 1000;

/** Cache-aside over the key-value store, values as JSON. */
export function createJsonCache(options: JsonCacheOptions): JsonCache {
  const { kv, name, ttlMs, metrics } = options;
  const entryKey = (key: string) => `cache:${name}:v:${key}`;
  const generationKey = (ns: string) => `cache:${name}:g:${ns}`;
  const generationTtlMs = Math.max(MIN_GENERATION_TTL_MS, ttlMs * 2);

  async function lookup<T>(key: string): Promise<T | null> {
    let hit: T | null = null;
    try {
      const raw = await kv.get(entryKey(key));
      if (raw !== null) hit = JSON.parse(raw) as T;
    } catch {
      // An unreachable store or a damaged entry is a miss: the source still answers.
    }
    metrics?.cacheLookups.inc({ cache: name, result: hit === null ? 'miss' : 'hit' });
    return hit;
  }

  return {
    get: lookup,

    async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
      const hit = await lookup<T>(key);
      if (hit !== null) return hit;
      const value = await load();
      if (value === null || value === undefined) return value;
      try {
        await kv.set(entryKey(key), JSON.stringify(value), { ttlMs });
      } catch {
        // Not caching only costs the next reader a load.
      }
      return value;
    },

    async invalidate(...keys: string[]): Promise<void> {
      await kv.del(...keys.map(entryKey));
    },

    async generation(ns: string): Promise<string> {
      try {
        return (await kv.get(generationKey(ns))) ?? '0';
      } catch {
        // A token nothing was cached under, so no stale list can be served while the store is away.
        return `unknown-${randomUUID()}`;
      }
    },

    async bumpGeneration(ns: string): Promise<void> {
      const key = generationKey(ns);
      await kv.increment(key, generationTtlMs, 1, 'sliding');
    },
  };
}
