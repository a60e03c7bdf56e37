import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KvStore } from './kv-store.js';
import { renewWhileHeld } from './renew-while-held.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The behaviour every KvStore adapter must show; each test gets a fresh, empty store. */
export function kvStoreContract(name: string, factory: () => Promise<KvStore>): void {
  describe(`KvStore contract: ${name}`, () => {
    let kv: KvStore;
    beforeEach(async () => {
      kv = await factory();
    });
    afterEach(async () => {
      await kv.close();
    });

    it('answers ping', async () => {
      await expect(kv.ping()).resolves.toBeUndefined();
    });

    it('gets what was set and null for a missing key', async () => {
      expect(await kv.set('a', 'one')).toBe(true);
      expect(await kv.get('a')).toBe('one');
      expect(await kv.get('missing')).toBeNull();
      expect(await kv.set('a', 'two')).toBe(true);
      expect(await kv.get('a')).toBe('two');
    });

    it('keeps unicode and empty values intact', async () => {
      await kv.set('u', 'Grüße 🛒 "quoted"\n');
      await kv.set('empty', '');
      expect(await kv.get('u')).toBe('Grüße 🛒 "quoted"\n');
      expect(await kv.get('empty')).toBe('');
    });

    it('expires a key after its ttl', async () => {
      await kv.set('short', 'v', { ttlMs: 60 });
      expect(await kv.get('short')).toBe('v');
      await sleep(120);
      expect(await kv.get('short')).toBeNull();
      expect(await kv.ttl('short')).toBeNull();
    });

    it('sets ifAbsent only when the key does not exist', async () => {
      expect(await kv.set('once', 'first', { ifAbsent: true })).toBe(true);
      expect(await kv.set('once', 'second', { ifAbsent: true })).toBe(false);
      expect(await kv.get('once')).toBe('first');
    });

    it('sets ifAbsent again once the previous value expired', async () => {
      expect(await kv.set('lock', 'a', { ifAbsent: true, ttlMs: 50 })).toBe(true);
      await sleep(100);
      expect(await kv.set('lock', 'b', { ifAbsent: true, ttlMs: 1_000 })).toBe(true);
      expect(await kv.get('lock')).toBe('b');
    });

    it('reports ttl: null when missing, -1 without expiry, remaining ms otherwise', async () => {
      await kv.set('forever', 'v');
      await kv.set('brief', 'v', { ttlMs: 10_000 });
      expect(await kv.ttl('nothing')).toBeNull();
      expect(await kv.ttl('forever')).toBe(-1);
      const ttl = await kv.ttl('brief');
      expect(ttl).toBeGreaterThan(9_000);
      expect(ttl).toBeLessThanOrEqual(10_000);
    });

    it('a plain set clears an earlier expiry', async () => {
      await kv.set('k', 'v', { ttlMs: 10_000 });
      await kv.set('k', 'w');
      expect(await kv.ttl('k')).toBe(-1);
    });

    it('expire sets a new expiry on an existing key only', async () => {
      await kv.set('e', 'v');
      expect(await kv.expire('e', 60)).toBe(true);
      expect(await kv.expire('nope', 60)).toBe(false);
      await sleep(120);
      expect(await kv.get('e')).toBeNull();
    });

    it('getMany answers in key order with null for missing keys', async () => {
      await kv.set('m1', 'one');
      await kv.set('m3', 'three');
      expect(await kv.getMany(['m1', 'm2', 'm3', 'm1'])).toEqual(['one', null, 'three', 'one']);
      expect(await kv.getMany([])).toEqual([]);
    });

    it('del counts only the keys that existed', async () => {
      await kv.set('d1', 'v');
      await kv.set('d2', 'v');
      await kv.set('gone', 'v', { ttlMs: 40 });
      await sleep(80);
      expect(await kv.del('d1', 'd2', 'd3', 'gone')).toBe(2);
      expect(await kv.get('d1')).toBeNull();
      expect(await kv.del('d1')).toBe(0);
      expect(await kv.del()).toBe(0);
    });

    it('increment creates the counter with the ttl and counts by the step', async () => {
      const first = await kv.increment('c', 10_000);
      expect(first.value).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(9_000);
      expect(first.ttlMs).toBeLessThanOrEqual(10_000);
      expect((await kv.increment('c', 10_000, 5)).value).toBe(6);
      expect((await kv.increment('c', 10_000, -2)).value).toBe(4);
      expect(await kv.get('c')).toBe('4');
    });

    it('increment keeps the expiry of an existing counter (a fixed window)', async () => {
      await kv.increment('window', 150);
      await sleep(60);
      const second = await kv.increment('window', 10_000);
      expect(second.value).toBe(2);
      expect(second.ttlMs).toBeLessThanOrEqual(150);
      await sleep(150);
      const fresh = await kv.increment('window', 10_000);
      expect(fresh.value).toBe(1);
      expect(fresh.ttlMs).toBeGreaterThan(9_000);
    });

    it('a sliding increment gives the counter its whole ttl again', async () => {
      await kv.increment('sliding', 150, 1, 'sliding');
      await sleep(100);
      const second = await kv.increment('sliding', 150, 1, 'sliding');
      expect(second.value).toBe(2);
      expect(second.ttlMs).toBeGreaterThan(100);
      await sleep(100);
      expect(await kv.get('sliding')).toBe('2');
    });

    it('increment continues a numeric value set before and rejects a non-number', async () => {
      await kv.set('n', '41');
      expect(await kv.increment('n', 1_000)).toEqual({ value: 42, ttlMs: -1 });
      await kv.set('text', 'abc');
      await expect(kv.increment('text', 1_000)).rejects.toThrow();
      expect(await kv.get('text')).toBe('abc');
    });

    it('200 concurrent increments count to 200', async () => {
      const results = await Promise.all(Array.from({ length: 200 }, () => kv.increment('hot', 10_000)));
      expect(await kv.get('hot')).toBe('200');
      expect(new Set(results.map((r) => r.value)).size).toBe(200);
    });

    it('compareAndSet swaps only on the expected value', async () => {
      await kv.set('cas', 'v1');
      expect(await kv.compareAndSet('cas', 'other', 'v2')).toBe(false);
      expect(await kv.get('cas')).toBe('v1');
      expect(await kv.compareAndSet('cas', 'v1', 'v2')).toBe(true);
      expect(await kv.get('cas')).toBe('v2');
      expect(await kv.compareAndSet('absent', 'v1', 'v2')).toBe(false);
      expect(await kv.get('absent')).toBeNull();
    });

    it('compareAndSet with next null deletes the key', async () => {
      await kv.set('cas-del', 'v1');
      expect(await kv.compareAndSet('cas-del', 'v1', null)).toBe(true);
      expect(await kv.get('cas-del')).toBeNull();
      expect(await kv.compareAndSet('cas-del', 'v1', null)).toBe(false);
    });

    it('compareAndSet sets a new expiry with ttlMs and keeps the old one without', async () => {
      await kv.set('cas-ttl', 'v1', { ttlMs: 10_000 });
      expect(await kv.compareAndSet('cas-ttl', 'v1', 'v2')).toBe(true);
      expect(await kv.ttl('cas-ttl')).toBeGreaterThan(9_000);
      expect(await kv.compareAndSet('cas-ttl', 'v2', 'v3', 60)).toBe(true);
      expect(await kv.get('cas-ttl')).toBe('v3');
      await sleep(120);
      expect(await kv.get('cas-ttl')).toBeNull();
    });

    it('of 50 concurrent compareAndSet on the same expected value exactly one wins', async () => {
      await kv.set('race', 'start');
      const wins = await Promise.all(Array.from({ length: 50 }, (_, i) => kv.compareAndSet('race', 'start', `w${i}`)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await kv.get('race')).toBe(`w${wins.indexOf(true)}`);
    });

    it('keeps a key renewed past its ttl while held (renewWhileHeld), and lets it lapse once stopped', async () => {
      const failed: unknown[] = [];
      await kv.set('lease', 'mine', { ttlMs: 300 });
      const stop = renewWhileHeld(kv, 'lease', 'mine', 300, (err) => failed.push(err));
      await sleep(1_000);
      expect(await kv.get('lease')).toBe('mine');
      stop();
      await sleep(600);
      expect(await kv.get('lease')).toBeNull();

      // A key someone else holds now is never renewed for them.
      await kv.set('taken', 'mine', { ttlMs: 300 });
      const stopTaken = renewWhileHeld(kv, 'taken', 'mine', 300, (err) => failed.push(err));
      await kv.set('taken', 'theirs', { ttlMs: 300 });
      await sleep(600);
      expect(await kv.get('taken')).toBeNull();
      stopTaken();
      expect(failed).toEqual([]);
    });
  });
}
