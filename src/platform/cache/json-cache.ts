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
  /**
   * `getOrLoad` for many keys: every cached value in one read of the store, every miss in one
   * `load(missing)` that answers those it found, which are then cached. A key found nowhere is
   * left out of the answer and not cached. Store failures fall through to `load`.
   */
  getManyOrLoad<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>>;
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

  // A damaged entry is a miss: the source still answers.
  const parse = <T>(raw: string | null): T | null => {
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return null;
    }
  };

  const count = (result: 'hit' | 'miss', n: number) => {
    if (n > 0) metrics?.cacheLookups.inc({ cache: name, result }, n);
  };

  async function lookup<T>(key: string): Promise<T | null> {
    let hit: T | null = null;
    try {
      hit = parse<T>(await kv.get(entryKey(key)));
    } catch {
      // An unreachable store is a miss too.
    }
    count(hit === null ? 'miss' : 'hit', 1);
    return hit;
  }

  async function lookupMany<T>(keys: string[]): Promise<Map<string, T>> {
    const hits = new Map<string, T>();
    try {
      const raws = await kv.getMany(keys.map(entryKey));
      keys.forEach((key, i) => {
        const hit = parse<T>(raws[i] ?? null);
        if (hit !== null) hits.set(key, hit);
      });
    } catch {
      // An unreachable store is a miss for every key.
    }
    count('hit', hits.size);
    count('miss', keys.length - hits.size);
    return hits;
  }

  async function store(key: string, value: unknown): Promise<void> {
    try {
      await kv.set(entryKey(key), JSON.stringify(value), { ttlMs });
    } catch {
      // Not caching only costs the next reader a load.
    }
  }

  return {
    get: lookup,

    async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
      const hit = await lookup<T>(key);
      if (hit !== null) return hit;
      const value = await load();
      if (value === null || value === undefined) return value;
      await store(key, value);
      return value;
    },

    async getManyOrLoad<T>(keys: string[], load: (missing: string[]) => Promise<Map<string, T>>): Promise<Map<string, T>> {
      const unique = [...new Set(keys)];
      if (unique.length === 0) return new Map();
      const found = await lookupMany<T>(unique);
      const missing = unique.filter((key) => !found.has(key));
      if (missing.length === 0) return found;
      const loaded = await load(missing);
      await Promise.all([...loaded].map(([key, value]) => store(key, value)));
      return new Map([...found, ...loaded]);
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
