import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ServicePool } from './service-pool.js';

/** A real HTTP server on 127.0.0.1 that answers with its name and remembers what it received. */
class Instance {
  readonly received: string[] = [];
  /** What it does with a request once read; by default, answers. */
  behaviour: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end(this.name);
  private server: Server | undefined;
  port = 0;

  constructor(readonly name: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      this.received.push(`${req.method} ${req.url} ${body}`.trim());
      this.behaviour(req, res);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops as a dead process does: the port refuses connections and open ones are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    // The kernel closes a dead process's connections at once; in this process their ends reach the
    // client side one turn of the event loop later.
    await nextTurn();
  }
}

describe('ServicePool', () => {
  const running: Instance[] = [];
  const pools: ServicePool[] = [];
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.destroy();
    for (const instance of running.splice(0)) await instance.stop();
  });

  const instances = async (...names: string[]) => {
    const started = await Promise.all(names.map((name) => new Instance(name).start()));
    running.push(...started);
    return started;
  };
  const poolOf = (urls: string[], options: ConstructorParameters<typeof ServicePool>[1] = {}) => {
    const pool = new ServicePool(urls, options);
    pools.push(pool);
    return pool;
  };
  const send = async (pool: ServicePool, method: string, path: string, body?: string | Readable) => {
    const res = await pool.request({ origin: pool.origins[0], method, path, ...(body === undefined ? {} : { body }) });
    return { status: res.statusCode, text: await res.body.text() };
  };

  it('spreads requests over the instances in turn', async () => {
    const [a, b, c] = await instances('a', 'b', 'c');
    const pool = poolOf([a!.url, b!.url, c!.url]);
    const answers: string[] = [];
    for (let i = 0; i < 9; i += 1) answers.push((await send(pool, 'GET', `/things/${i}`)).text);
    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    expect([a!.received.length, b!.received.length, c!.received.length]).toEqual([3, 3, 3]);
  });

  it('takes every request to the instances that answer while one is stopped, and leaves the stopped one out until its time is up', async () => {
    const [a, b] = await instances('a', 'b');
    let now = 1_000_000;
    const ejected: string[] = [];
    const pool = poolOf([a!.url, b!.url], {
      now: () => now,
      ejectMs: 10_000,
      onEject: (origin) => ejected.push(origin),
    });
    expect((await send(pool, 'GET', '/warm')).text).toBe('a');
    expect((await send(pool, 'GET', '/warm')).text).toBe('b');

    await a!.stop();
    const answers = [];
    for (let i = 0; i < 3; i += 1) {
      answers.push(await send(pool, 'POST', `/stream/${i}`, Readable.from(['{"part":1,', `"n":${i}}`])));
      answers.push(await send(pool, 'POST', `/write/${i}`, `{"n":${i}}`));
      answers.push(await send(pool, 'GET', `/read/${i}`));
    }
    expect(answers.every((answer) => answer.status === 200 && answer.text === 'b')).toBe(true);
    // The first went to the stopped instance, and then whole to the other.
    expect(b!.received).toContain('POST /stream/0 {"part":1,"n":0}');
    expect(ejected).toEqual([a!.url]);

    // Back on its port, it gets nothing until the ejection period is over.
    await a!.start();
    for (let i = 0; i < 4; i += 1) expect((await send(pool, 'GET', '/while-out')).text).toBe('b');
    expect(a!.received.filter((r) => r.includes('/while-out'))).toEqual([]);

    now += 10_000;
    const after = [];
    for (let i = 0; i < 4; i += 1) after.push((await send(pool, 'GET', '/after')).text);
    expect(after.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('never sends a POST twice: one that reached an instance which then died fails for the caller', async () => {
    const [a, b] = await instances('a', 'b');
    a!.behaviour = (req) => req.socket.destroy();
    const pool = poolOf([a!.url, b!.url]);

    await expect(send(pool, 'POST', '/orders', '{"pay":1}')).rejects.toMatchObject({
      code: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET)$/),
    });
    expect(a!.received).toEqual(['POST /orders {"pay":1}']);
    expect(b!.received).toEqual([]);
  });

  it('sends a GET that reached an instance which then died to the next one', async () => {
    const [a, b] = await instances('a', 'b');
    a!.behaviour = (req) => req.socket.destroy();
    const pool = poolOf([a!.url, b!.url]);

    expect(await send(pool, 'GET', '/orders/1')).toEqual({ status: 200, text: 'b' });
    expect(a!.received).toEqual(['GET /orders/1']);
    expect(b!.received).toEqual(['GET /orders/1']);
  });

  it('leaves out an instance that keeps failing requests it took, and only then', async () => {
    const [a, b] = await instances('a', 'b');
    a!.behaviour = (req) => req.socket.destroy();
    const ejected: string[] = [];
    const pool = poolOf([a!.url, b!.url], { maxFails: 3, onEject: (origin) => ejected.push(origin) });

    for (let i = 0; i < 4; i += 1) expect((await send(pool, 'GET', `/n/${i}`)).text).toBe('b');
    // Every GET started at a in turn (a, then b after a's failure): three failures in a row.
    expect(ejected).toEqual([a!.url]);
    const before = a!.received.length;
    for (let i = 0; i < 4; i += 1) expect((await send(pool, 'GET', `/later/${i}`)).text).toBe('b');
    expect(a!.received.length).toBe(before);
  });

  it('tries every instance when all are left out, so that a service coming back is used at once', async () => {
    const [a, b] = await instances('a', 'b');
    const pool = poolOf([a!.url, b!.url]);
    await a!.stop();
    await b!.stop();
    await expect(send(pool, 'GET', '/down')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await b!.start();
    expect(await send(pool, 'POST', '/up', '{}')).toEqual({ status: 200, text: 'b' });
  });
});
