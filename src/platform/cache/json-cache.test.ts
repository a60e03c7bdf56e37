import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../../test/support/eventually.js';
import { realInfra, realProfileEnabled, runId } from '../../../test/support/infra.js';
import { createKvStore } from '../kv/create-kv-store.js';
import type { KvStore } from '../kv/kv-store.js';
import { MemoryKvStore } from '../kv/memory-kv-store.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { createJsonCache } from './json-cache.js';

const redisPrefix = `emporium-test:${runId('cache')}:`;

const stores: [string, () => Promise<KvStore>][] = [['memory', async () => new MemoryKvStore()]];
if (realProfileEnabled) {
  let n = 0;
  stores.push([
    'redis',
    async () => createKvStore({ redisUrl: realInfra.redisUrl, redisKeyPrefix: `${redisPrefix}${(n += 1)}:` }),
  ]);
}

async function lookups(metrics: Metrics, result: 'hit' | 'miss'): Promise<number> {
  const { values } = await metrics.cacheLookups.get();
  return values.find((v) => v.labels.cache === 'products' && v.labels.result === result)?.value ?? 0;
}

describe.each(stores)('JsonCache on %s', (_name, factory) => {
  let kv: KvStore;
  let metrics: Metrics;
  beforeEach(async () => {
    kv = await factory();
    metrics = createMetrics();
  });
  afterEach(async () => {
    await kv.close();
  });

  it('loads on a miss, then answers from the cache and counts both', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000, metrics });
    const load = vi.fn(async () => ({ id: 'p1', price: 1250, tags: ['a'] }));
    expect(await cache.getOrLoad('p1', load)).toEqual({ id: 'p1', price: 1250, tags: ['a'] });
    expect(await cache.getOrLoad('p1', load)).toEqual({ id: 'p1', price: 1250, tags: ['a'] });
    expect(await cache.get('p1')).toEqual({ id: 'p1', price: 1250, tags: ['a'] });
    expect(load).toHaveBeenCalledTimes(1);
    expect(await lookups(metrics, 'miss')).toBe(1);
    expect(await lookups(metrics, 'hit')).toBe(2);
  });

  it('caches falsy values but not null', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    const nothing = vi.fn(async () => null);
    expect(await cache.getOrLoad('gone', nothing)).toBeNull();
    expect(await cache.getOrLoad('gone', nothing)).toBeNull();
    expect(nothing).toHaveBeenCalledTimes(2);
    const zero = vi.fn(async () => 0);
    await cache.getOrLoad('zero', zero);
    expect(await cache.getOrLoad('zero', zero)).toBe(0);
    expect(zero).toHaveBeenCalledTimes(1);
  });

  it('loads again after the ttl', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 60 });
    const load = vi.fn(async () => 'v');
    await cache.getOrLoad('k', load);
    await eventually(
      async () => ((await kv.get('cache:products:v:k')) === null ? true : undefined),
      1_000,
      'the entry expired',
    );
    await cache.getOrLoad('k', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('invalidate drops the given keys only', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    for (const key of ['a', 'b', 'c']) await cache.getOrLoad(key, async () => key);
    await cache.invalidate('a', 'b');
    expect(await cache.get('a')).toBeNull();
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('c')).toBe('c');
  });

  it('does not share entries between caches of different names', async () => {
    const one = createJsonCache({ kv, name: 'one', ttlMs: 10_000 });
    const two = createJsonCache({ kv, name: 'two', ttlMs: 10_000 });
    await one.getOrLoad('k', async () => 'from one');
    expect(await two.getOrLoad('k', async () => 'from two')).toBe('from two');
  });

  it('makes lists keyed by generation unreachable after a bump', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    const listKey = async () => `list:${await cache.generation('products')}:page=1`;
    const first = await cache.getOrLoad(await listKey(), async () => ['p1']);
    expect(await cache.getOrLoad(await listKey(), async () => ['never'])).toEqual(first);
    await cache.bumpGeneration('products');
    expect(await cache.getOrLoad(await listKey(), async () => ['p1', 'p2'])).toEqual(['p1', 'p2']);
    expect(await cache.generation('other')).toBe(await cache.generation('other'));
  });

  it('keeps the generation counter alive for longer than any entry', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    await cache.bumpGeneration('products');
    expect(await kv.ttl('cache:products:g:products')).toBeGreaterThan(29 * 24 * 3600 * 1000);
  });

  it('treats a damaged entry as a miss', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    await kv.set('cache:products:v:k', '{not json');
    expect(await cache.getOrLoad('k', async () => 'fresh')).toBe('fresh');
    expect(await cache.get('k')).toBe('fresh');
  });

  it('answers many keys from one read of the store and loads only the misses, in one call', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000, metrics });
    await cache.getOrLoad('a', async () => 'cached a');
    const getMany = vi.spyOn(kv, 'getMany');
    const load = vi.fn(
      async (missing: string[]) =>
        new Map(missing.filter((key) => key !== 'nowhere').map((key) => [key, `loaded ${key}`])),
    );
    const first = await cache.getManyOrLoad(['a', 'b', 'nowhere', 'b', 'c'], load);
    expect(Object.fromEntries(first)).toEqual({ a: 'cached a', b: 'loaded b', c: 'loaded c' });
    expect(load).toHaveBeenCalledTimes(1);
    expect(load).toHaveBeenCalledWith(['b', 'nowhere', 'c']);
    expect(getMany).toHaveBeenCalledTimes(1);
    expect(await lookups(metrics, 'hit')).toBe(1);
    expect(await lookups(metrics, 'miss')).toBe(1 + 3);

    const second = await cache.getManyOrLoad(['c', 'b', 'a', 'nowhere'], load);
    expect(Object.fromEntries(second)).toEqual(Object.fromEntries(first));
    expect(load).toHaveBeenLastCalledWith(['nowhere']);
    expect(await lookups(metrics, 'hit')).toBe(1 + 3);
    expect(await cache.getManyOrLoad([], load)).toEqual(new Map());
    expect(getMany).toHaveBeenCalledTimes(2);
  });

  it('loads again the keys of a batch that were invalidated, and those whose entry is damaged', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    let version = 1;
    const load = vi.fn(async (missing: string[]) => new Map(missing.map((key) => [key, { key, version }])));
    await cache.getManyOrLoad(['a', 'b', 'c'], load);
    version = 2;
    await cache.invalidate('a');
    await kv.set('cache:products:v:b', '{not json');
    const again = await cache.getManyOrLoad(['a', 'b', 'c'], load);
    expect(load).toHaveBeenLastCalledWith(['a', 'b']);
    expect(Object.fromEntries(again)).toEqual({
      a: { key: 'a', version: 2 },
      b: { key: 'b', version: 2 },
      c: { key: 'c', version: 1 },
    });
  });

  it('does not cache a load that failed', async () => {
    const cache = createJsonCache({ kv, name: 'products', ttlMs: 10_000 });
    await expect(cache.getOrLoad('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.getOrLoad('k', async () => 'ok')).toBe('ok');
  });
});

describe('JsonCache over a failing store', () => {
  const broken = new MemoryKvStore();
  for (const method of ['get', 'getMany', 'set', 'del', 'increment', 'expire'] as const) {
    vi.spyOn(broken, method).mockRejectedValue(new Error('store down'));
  }
  afterAll(() => broken.close());

  it('loads from the source and counts a miss', async () => {
    const metrics = createMetrics();
    const cache = createJsonCache({ kv: broken, name: 'products', ttlMs: 10_000, metrics });
    expect(await cache.getOrLoad('k', async () => ({ id: 'k' }))).toEqual({ id: 'k' });
    expect(await cache.get('k')).toBeNull();
    expect(await lookups(metrics, 'miss')).toBe(2);
  });

  it('loads a whole batch from the source and counts every key a miss', async () => {
    const metrics = createMetrics();
    const cache = createJsonCache({ kv: broken, name: 'products', ttlMs: 10_000, metrics });
    const load = async (missing: string[]) => new Map(missing.map((key) => [key, { id: key }]));
    expect(Object.fromEntries(await cache.getManyOrLoad(['a', 'b'], load))).toEqual({ a: { id: 'a' }, b: { id: 'b' } });
    expect(await lookups(metrics, 'miss')).toBe(2);
  });

  it('answers a generation no list was cached under', async () => {
    const cache = createJsonCache({ kv: broken, name: 'products', ttlMs: 10_000 });
    const [a, b] = [await cache.generation('products'), await cache.generation('products')];
    expect(a).not.toBe(b);
    expect(a).not.toBe('0');
  });

  it('reports failed invalidations, which would otherwise leave stale entries', async () => {
    const cache = createJsonCache({ kv: broken, name: 'products', ttlMs: 10_000 });
    await expect(cache.invalidate('k')).rejects.toThrow('store down');
    await expect(cache.bumpGeneration('products')).rejects.toThrow('store down');
  });
});

afterAll(async () => {
  if (!realProfileEnabled) return;
  const raw = new Redis(realInfra.redisUrl);
  try {
    for await (const keys of raw.scanStream({ match: `${redisPrefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await raw.del(...(keys as string[]));
    }
  } finally {
    raw.disconnect();
  }
});
