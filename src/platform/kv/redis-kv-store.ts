import { Redis } from 'ioredis';
import type { CounterResult, KvStore, SetOptions, Window } from './kv-store.js';

// A key created by this call gets the window's expiry; an existing one keeps its own.
const INCREMENT = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created or ARGV[3] == 'sliding' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {value, redis.call('PTTL', KEYS[1])}`;

// ARGV: expected, 'del' | 'set', next, ttl in ms ('' keeps the current expiry).
const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'del' then
  redis.call('DEL', KEYS[1])
elseif ARGV[4] == '' then
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
end
return 1`;

interface Scripts {
  kvIncrement(key: string, by: number, ttlMs: number, window: Window): Promise<[number, number]>;
  kvCompareAndSet(key: string, expected: string, mode: 'del' | 'set', next: string, ttlMs: string): Promise<0 | 1>;
}

export type RedisKvStoreOptions = { url: string; keyPrefix: string } | { client: Redis };

/**
 * The shared adapter. Given a URL it owns its client, tuned to fail fast when Redis is away (a
 * readiness probe or a request must get an error, not wait for a reconnect). A client handed in
 * keeps its own options and is left open by close().
 */
export class RedisKvStore implements KvStore {
  readonly kind = 'redis';
  readonly client: Redis;
  private readonly scripts: Scripts;
  private readonly ownsClient: boolean;

  constructor(options: RedisKvStoreOptions) {
    if ('client' in options) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = new Redis(options.url, {
        keyPrefix: options.keyPrefix,
        connectTimeout: 2_000,
        commandTimeout: 2_000,
        maxRetriesPerRequest: 1,
        // Commands issued in one event-loop tick (a request's session check and rate-limit count,
        // say) leave in one socket write: a write syscall each was a quarter of the CPU under load.
        enableAutoPipelining: true,
      });
      this.ownsClient = true;
      // Failures reach callers through rejected commands; without a listener ioredis prints each one.
      this.client.on('error', () => undefined);
      // Queue commands only until the first connection; after that an outage fails them at once.
      this.client.once('ready', () => {
        this.client.options.enableOfflineQueue = false;
      });
    }
    this.client.defineCommand('kvIncrement', { numberOfKeys: 1, lua: INCREMENT });
    this.client.defineCommand('kvCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    this.scripts = this.client as unknown as Scripts;
  }

  /** Resolves once connected; rejects with the last connection error after `timeoutMs`. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    if (this.client.status === 'ready') return;
    let lastError: Error | undefined;
    const onError = (err: Error) => {
      lastError = err;
    };
    this.client.on('error', onError);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        this.client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      this.client.off('error', onError);
    }
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    // MGET without keys is a syntax error in Redis.
    return keys.length === 0 ? [] : this.client.mget(keys);
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const { ttlMs, ifAbsent } = options;
    let reply: string | null;
    if (ttlMs !== undefined && ifAbsent) reply = await this.client.set(key, value, 'PX', ttlMs, 'NX');
    else if (ttlMs !== undefined) reply = await this.client.set(key, value, 'PX', ttlMs);
    else if (ifAbsent) reply = await this.client.set(key, value, 'NX');
    else reply = await this.client.set(key, value);
    return reply === 'OK';
  }

  async del(...keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.client.del(keys);
  }

  async increment(key: string, ttlMs: number, by = 1, window: Window = 'fixed'): Promise<CounterResult> {
    const [value, ttl] = await this.scripts.kvIncrement(key, by, ttlMs, window);
    return { value, ttlMs: ttl };
  }

  async compareAndSet(key: string, expected: string, next: string | null, ttlMs?: number): Promise<boolean> {
    const mode = next === null ? 'del' : 'set';
    const swapped = await this.scripts.kvCompareAndSet(
      key,
      expected,
      mode,
      next ?? '',
      ttlMs === undefined ? '' : String(ttlMs),
    );
    return swapped === 1;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.pexpire(key, ttlMs)) === 1;
  }

  async ttl(key: string): Promise<number | null> {
    const ttl = await this.client.pttl(key);
    return ttl === -2 ? null : ttl;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    // QUIT needs a Redis that answers; one that is gone or silent just gets its socket dropped.
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through to disconnect
      }
    }
    this.client.disconnect();
  }
}
