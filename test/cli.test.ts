import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, profiles, realInfra, runId } from './support/infra.js';
import { deleteRedisKeys } from '../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../src/platform/messaging/rabbitmq-testing.js';
import { serviceNames } from '../src/apps/service-catalogue.js';
import { emporium, readyAt, stopped, type Running } from './support/cli.js';
import { eventually } from './support/eventually.js';

/** Where the process said it serves its metrics. */
function metricsAt(run: Running): string {
  const match = /Metrics are served at (http:\/\/\S+)/.exec(run.output());
  if (!match?.[1]) throw new Error(`no metrics address:\n${run.output()}`);
  return match[1];
}

/** Processes whose parent is `pid` (Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

// Every start may take as long as readyAt waits for it, and some tests start several.
describe.each(profiles)('emporium start (%s profile)', { timeout: 120_000 }, (profile) => {
  let env: NodeJS.ProcessEnv;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'emporium-cli-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    env = { DATA_DIR: dataDir };
    if (profile === 'real') {
      const database = await createTestDatabase();
      cleanups.push(database.drop);
      const id = runId('cli');
      env = {
        ...env,
        DATABASE_URL: database.url,
        REDIS_URL: realInfra.redisUrl,
        AMQP_URL: realInfra.amqpUrl,
        REDIS_KEY_PREFIX: `${id}:`,
        AMQP_PREFIX: id,
      };
      cleanups.push(
        () => deleteRedisKeys(realInfra.redisUrl, `${id}:`),
        () => deleteRabbitTopology(realInfra.amqpUrl, id, serviceNames),
      );
    }
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('seeds a demo shop on first start, mails new customers, keeps it across restarts, refuses a second process on embedded data, and stops cleanly on SIGTERM', async () => {
    const first = emporium(['start'], env);
    const url = await readyAt(first);
    const password = /password: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeDefined();
    const products = (await (await fetch(`${url}/api/v1/products?limit=100`)).json()) as { items: unknown[] };
    expect(products.items.length).toBeGreaterThanOrEqual(60);
    const categories = (await (await fetch(`${url}/api/v1/categories`)).json()) as { items: unknown[] };
    expect(categories.items.length).toBeGreaterThanOrEqual(6);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@emporium.localhost', password }),
    });
    expect(login.status).toBe(200);
    // Emails are written to files by a thread of their own, which must find its module in the build.
    const email = `welcome-${Date.now()}@example.com`;
    const registered = await fetch(`${url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a long password', name: 'Welcome' }),
    });
    expect(registered.status).toBe(201);
    const mailDir = join(env.DATA_DIR ?? '', 'mail');
    const welcome = await eventually(
      () => {
        const files = existsSync(mailDir) ? readdirSync(mailDir).filter((name) => name.endsWith('.eml')) : [];
        return files.map((name) => readFileSync(join(mailDir, name), 'utf8')).find((text) => text.includes(email));
      },
      20_000,
      'the welcome email',
    );
    expect(welcome).toMatch(/^Subject: Welcome to Emporium\r?$/m);
    expect(await stopped(first)).toBe(0);

    const second = emporium(['start'], env);
    const again = await readyAt(second);
    expect(second.output()).not.toMatch(/password:/);
    // The data-directory lock guards embedded PGlite; PostgreSQL guards itself.
    if (profile === 'embedded') {
      const intruder = emporium(['start'], env);
      expect(await intruder.exited).toBe(1);
      expect(intruder.output()).toMatch(/in use by another Emporium process \(pid \d+\)/);
    }
    const relogin = await fetch(`${again}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@emporium.localhost', password }),
    });
    expect(relogin.status).toBe(200);
    const after = (await (await fetch(`${again}/api/v1/products?limit=100`)).json()) as { items: unknown[] };
    expect(after.items.length).toBe(products.items.length);
    expect(await stopped(second)).toBe(0);
  });

  // Settings are checked before any store is opened: what the profile would change comes later.
  if (profile === 'embedded')
    it('stops at once with one line naming a bad setting', async () => {
      const run = emporium(['start'], { ...env, PORT: 'eighty' });
      expect(await run.exited).toBe(1);
      expect(run.output().trim()).toBe('emporium: PORT must be a whole number from 0 to 65535 (got "eighty")');
    });

  if (profile === 'embedded')
    it('refuses several workers without the shared stores', async () => {
      const run = emporium(['start'], { ...env, WORKERS: '2' });
      expect(await run.exited).toBe(1);
      expect(run.output().trim()).toBe(
        'emporium: WORKERS above 1 needs DATABASE_URL, REDIS_URL and AMQP_URL: the embedded database, store and event bus belong to one process',
      );
    });

  if (profile === 'embedded')
    it('refuses a process role without the shared stores', async () => {
      const run = emporium(['start'], { ...env, PROCESS_ROLE: 'api' });
      expect(await run.exited).toBe(1);
      expect(run.output().trim()).toBe(
        'emporium: PROCESS_ROLE=api needs DATABASE_URL, REDIS_URL and AMQP_URL: the embedded database, store and event bus belong to one process',
      );
    });

  if (profile === 'real')
    it('takes orders in an API process and confirms them in a background process of its own', async () => {
      const api = emporium(['start'], { ...env, PROCESS_ROLE: 'api' });
      const url = await readyAt(api);
      expect(api.output()).toMatch(/Emporium API is ready at .* \(API docs: /);
      const post = async <T = unknown>(
        path: string,
        token: string | null,
        body: unknown,
        headers: Record<string, string> = {},
      ) => {
        const res = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as T };
      };
      const registered = await post<{ accessToken: string }>('/api/v1/auth/register', null, {
        email: `roles-${Date.now()}@example.com`,
        password: 'a long password',
        name: 'Roles',
      });
      const token = registered.body.accessToken;
      const products = (await (await fetch(`${url}/api/v1/products?inStock=true&limit=1`)).json()) as {
        items: { id: string }[];
      };
      expect((await post('/api/v1/cart/items', token, { productId: products.items[0]?.id, quantity: 1 })).status).toBe(
        200,
      );
      const placed = await post<{ order: { id: string } }>(
        '/api/v1/checkout',
        token,
        {
          shippingAddress: { name: 'Roles', line1: '1 Split St', city: 'Twofold', postalCode: '22222', country: 'US' },
          payment: { token: 'tok_visa' },
        },
        { 'idempotency-key': `roles-${Date.now()}` },
      );
      expect(placed.status).toBe(202);
      const orderId = placed.body.order.id;
      const statusOf = async () =>
        (
          (await (
            await fetch(`${url}/api/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } })
          ).json()) as { status: string }
        ).status;
      // Nobody charges it while no process does background work.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await statusOf()).toBe('pending_payment');

      const background = emporium(['start'], { ...env, PROCESS_ROLE: 'background' });
      const health = await readyAt(background);
      expect(background.output()).toMatch(/Emporium background work is ready at /);
      expect(background.output()).not.toMatch(/API docs/);
      expect((await fetch(`${health}/health/ready`)).status).toBe(200);
      expect((await fetch(`${health}/metrics`)).status).toBe(404);
      expect((await fetch(metricsAt(background))).status).toBe(200);
      expect((await fetch(`${health}/api/v1/products`)).status).toBe(404);
      const deadline = Date.now() + 20_000;
      let status = await statusOf();
      while (status !== 'confirmed' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = await statusOf();
      }
      expect(status).toBe('confirmed');

      expect(await stopped(background)).toBe(0);
      expect(await stopped(api)).toBe(0);
    });

  if (profile === 'real')
    it('refuses to start the gateway alone as background work', async () => {
      const run = emporium(['start', 'gateway'], { ...env, PROCESS_ROLE: 'background' });
      expect(await run.exited).toBe(2);
      expect(run.output().trim()).toBe('The gateway has no background work: start it with PROCESS_ROLE=all or api.');
    });

  if (profile === 'real')
    it('serves one shop from several worker processes, replaces a worker that dies, and stops them all on SIGTERM', async () => {
      const run = emporium(['start'], { ...env, WORKERS: '2' });
      const url = await readyAt(run);
      expect(run.output()).toMatch(/ready at .* \(2 processes\)/);
      const workers = childrenOf(run.child.pid ?? 0);
      expect(workers).toHaveLength(2);

      // Every worker answers: the shared stores make them one shop whatever connection lands where.
      const email = `cluster-${Date.now()}@example.com`;
      const registered = await fetch(`${url}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ email, password: 'a long password', name: 'Cluster' }),
      });
      expect(registered.status).toBe(201);
      const { accessToken } = (await registered.json()) as { accessToken: string };
      for (let i = 0; i < 6; i += 1) {
        const me = await fetch(`${url}/api/v1/me`, {
          headers: { authorization: `Bearer ${accessToken}`, connection: 'close' },
        });
        expect(me.status).toBe(200);
      }
      // The primary serves the workers' metrics added up, whichever worker answered.
      const metrics = await (await fetch(metricsAt(run))).text();
      expect(metrics).toMatch(
        /emporium_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status="200"\} 6\n/,
      );
      expect((await fetch(`${url}/metrics`)).status).toBe(404);

      process.kill(workers[0] ?? 0, 'SIGKILL');
      const deadline = Date.now() + 30_000;
      let now = childrenOf(run.child.pid ?? 0);
      while ((now.length < 2 || now.includes(workers[0] ?? 0)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        now = childrenOf(run.child.pid ?? 0);
      }
      expect(now).toHaveLength(2);
      expect(now).not.toContain(workers[0]);
      for (let i = 0; i < 6; i += 1)
        expect((await fetch(`${url}/api/v1/products?limit=1`, { headers: { connection: 'close' } })).status).toBe(200);

      expect(await stopped(run)).toBe(0);
      expect(now.filter((pid) => existsSync(`/proc/${pid}`))).toEqual([]);
    });

  it('refuses to start a service alone without the address of a service it needs', async () => {
    const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const run = emporium(['start', 'orders'], { ...env, JWT_PUBLIC_KEY: publicKey });
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/^emporium: CATALOG_URL must be set: catalog does not run in this process\.$/m);
  });

  it('creates an admin from the command line', async () => {
    const run = emporium(['admin', 'create', '--email', 'ops@example.com', '--password', 'a long password'], env);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/Created admin ops@example.com/);
  });

  it('refuses an admin password of whitespace only in one line, without a stack trace', async () => {
    const run = emporium(['admin', 'create', '--email', 'blank@example.com', '--password', ' '.repeat(12)], env);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/^emporium: \/password /m);
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});
