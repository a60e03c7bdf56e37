import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { realInfra, realProfileEnabled, runId } from '../../../test/support/infra.js';
import { createKvStore } from './create-kv-store.js';
import { kvStoreContract } from './kv-store.contract.js';
import { MemoryKvStore } from './memory-kv-store.js';
import { RedisKvStore } from './redis-kv-store.js';

kvStoreContract('memory', async () => new MemoryKvStore());

describe('MemoryKvStore', () => {
  it('sweeps expired keys nobody reads again', async () => {
    vi.useFakeTimers();
    // The sweep is seen by what it deletes: nothing else reads the key that would drop it on the way.
    const deleted = vi.spyOn(Map.prototype, 'delete');
    const kv = new MemoryKvStore({ sweepIntervalMs: 20 });
    try {
      await kv.set('k', 'v', { ttlMs: 10 });
      vi.advanceTimersByTime(15);
      expect(deleted).not.toHaveBeenCalledWith('k');
      vi.advanceTimersByTime(10);
      expect(deleted).toHaveBeenCalledWith('k');
    } finally {
      deleted.mockRestore();
      vi.useRealTimers();
      await kv.close();
    }
  });
});

describe('createKvStore', () => {
  it('uses memory without a Redis URL', async () => {
    const kv = await createKvStore({ redisKeyPrefix: 'x:' });
    expect(kv.kind).toBe('memory');
    await kv.close();
  });

  it('names the Redis that does not answer, without its password', async () => {
    const port = await freePort();
    const started = Date.now();
    const failure = createKvStore({
      redisUrl: `redis://:secret@127.0.0.1:${port}`,
      redisKeyPrefix: 'x:',
      connectTimeoutMs: 500,
    });
    await expect(failure).rejects.toThrow(`Redis at 127.0.0.1:${port} did not answer: `);
    await expect(failure).rejects.not.toThrow('secret');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

// The real profile fails, never skips, when Redis is away: the factory's createKvStore throws.
if (realProfileEnabled)
  describe('Redis', () => {
    const prefix = `emporium-test:${runId('kv')}:`;
    let stores = 0;

    kvStoreContract('redis', async () => {
      stores += 1;
      return createKvStore({ redisUrl: realInfra.redisUrl, redisKeyPrefix: `${prefix}${stores}:` });
    });

    it('keeps every key under its prefix', async () => {
      const kv = await createKvStore({ redisUrl: realInfra.redisUrl, redisKeyPrefix: `${prefix}own:` });
      await kv.set('k', 'v');
      await kv.increment('c', 10_000);
      await kv.compareAndSet('k', 'v', 'w');
      await kv.close();
      const raw = new Redis(realInfra.redisUrl);
      try {
        expect((await raw.keys(`${prefix}own:*`)).sort()).toEqual([`${prefix}own:c`, `${prefix}own:k`]);
        expect(await raw.get(`${prefix}own:k`)).toBe('w');
      } finally {
        raw.disconnect();
      }
    });

    it('ping fails fast once Redis goes away', async () => {
      const proxy = await startProxy(new URL(realInfra.redisUrl));
      const kv = await createKvStore({ redisUrl: `redis://127.0.0.1:${proxy.port}`, redisKeyPrefix: prefix });
      try {
        await kv.ping();
        await proxy.stop();
        const started = Date.now();
        await expect(kv.ping()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1_000);
      } finally {
        await kv.close();
      }
    });

    it('ping fails within the command timeout when Redis stops answering', async () => {
      const proxy = await startProxy(new URL(realInfra.redisUrl));
      const kv = await createKvStore({ redisUrl: `redis://127.0.0.1:${proxy.port}`, redisKeyPrefix: prefix });
      try {
        await kv.ping();
        proxy.blackhole();
        const started = Date.now();
        await expect(kv.ping()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        await kv.close();
        await proxy.stop();
      }
    });

    it('leaves a client it was given open', async () => {
      const client = new Redis(realInfra.redisUrl, { keyPrefix: prefix });
      const kv = new RedisKvStore({ client });
      await kv.waitUntilReady(5_000);
      await kv.close();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    });

    afterAll(async () => {
      const raw = new Redis(realInfra.redisUrl);
      try {
        for await (const keys of raw.scanStream({ match: `${prefix}*`, count: 500 })) {
          if ((keys as string[]).length > 0) await raw.del(...(keys as string[]));
        }
      } finally {
        raw.disconnect();
      }
    });
  });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay to Redis that can drop or silence its connections, to play a failing Redis. */
async function startProxy(target: URL) {
  let silent = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 6379), target.hostname);
    client.on('data', (chunk) => {
      if (!silent) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!silent) client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackhole: () => {
      silent = true;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
