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
  return new KvJsonCache(options);
}

// A damaged entry is a miss: the source still answers.
function parse<T>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

class KvJsonCache implements JsonCache {
  private readonly kv: KvStore;
  private readonly name: string;
  private readonly ttlMs: number;
  private readonly metrics: JsonCacheOptions['metrics'];

  constructor(options: JsonCacheOptions) {
    this.kv = options.kv;
    this.name = options.name;
    this.ttlMs = options.ttlMs;
    this.metrics = options.metrics;
  }

  async get<T>(key: string): Promise<T | null> {
    let hit: T | null = null;
    try {
      hit = parse<T>(await this.kv.get(this.entryKey(key)));
    } catch {
      // An unreachable store is a miss too.
    }
    this.count(hit === null ? 'miss' : 'hit', 1);
    return hit;
  }

  async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const hit = await this.get<T>(key);
    if (hit !== null) return hit;
    const value = await load();
    if (value === null || value === undefined) return value;
    await this.store(key, value);
    return value;
  }

  async getManyOrLoad<T>(
    keys: string[],
    load: (missing: string[]) => Promise<Map<string, T>>,
  ): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return new Map();
    const found = await this.getMany<T>(unique);
    const missing = unique.filter((key) => !found.has(key));
    if (missing.length === 0) return found;
    const loaded = await load(missing);
    await Promise.all([...loaded].map(([key, value]) => this.store(key, value)));
    return new Map([...found, ...loaded]);
  }

  async invalidate(...keys: string[]): Promise<void> {
    await this.kv.del(...keys.map((key) => this.entryKey(key)));
  }

  async generation(ns: string): Promise<string> {
    try {
      return (await this.kv.get(this.generationKey(ns))) ?? '0';
    } catch {
      // A token nothing was cached under, so no stale list can be served while the store is away.
      return `unknown-${randomUUID()}`;
    }
  }

  async bumpGeneration(ns: string): Promise<void> {
    await this.kv.increment(this.generationKey(ns), Math.max(MIN_GENERATION_TTL_MS, this.ttlMs * 2), 1, 'sliding');
  }

  private async getMany<T>(keys: string[]): Promise<Map<string, T>> {
    const hits = new Map<string, T>();
    try {
      const raws = await this.kv.getMany(keys.map((key) => this.entryKey(key)));
      keys.forEach((key, i) => {
        const hit = parse<T>(raws[i] ?? null);
        if (hit !== null) hits.set(key, hit);
      });
    } catch {
      // An unreachable store is a miss for every key.
    }
    this.count('hit', hits.size);
    this.count('miss', keys.length - hits.size);
    return hits;
  }

  private async store(key: string, value: unknown): Promise<void> {
    try {
      await this.kv.set(this.entryKey(key), JSON.stringify(value), { ttlMs: this.ttlMs });
    } catch {
      // Not caching only costs the next reader a load.
    }
  }

  private count(result: 'hit' | 'miss', n: number): void {
    if (n > 0) this.metrics?.cacheLookups.inc({ cache: this.name, result }, n);
  }

  private entryKey(key: string): string {
    return `cache:${this.name}:v:${key}`;
  }

  private generationKey(ns: string): string {
    return `cache:${this.name}:g:${ns}`;
  }
}
