import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../src/platform/db/connect.js';
import { profiles } from './support/infra.js';
import { cliEnvironment, emporium, readyAt } from './support/cli.js';
import { eventually } from './support/eventually.js';

interface Answer {
  status: number;
  closes: boolean;
  contentType: string;
  body: string;
}

/** One request on `agent`; rejects with the socket error, marked when the socket was reused. */
function send(agent: http.Agent | false, url: string, method = 'GET', body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      { agent, method, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            closes: res.headers.connection === 'close',
            contentType: res.headers['content-type'] ?? '',
            body: text,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reused: req.reusedSocket })));
    req.end(payload);
  });
}

/**
 * What a keep-alive client does: a request that finds its reused connection closed under it was
 * never read by the server, and goes again on a fresh one. Connection refused: the server is gone.
 */
async function sendRetrying(
  agent: http.Agent,
  url: string,
  method?: string,
  body?: unknown,
): Promise<Answer | 'refused'> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send(agent, url, method, body);
    } catch (err) {
      const { code, reused } = err as NodeJS.ErrnoException & { reused: boolean };
      if (code === 'ECONNREFUSED') return 'refused';
      if (!reused || attempt >= 3) throw err;
    }
  }
}

describe.each(profiles)('graceful shutdown (%s profile)', (profile) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env, cleanup } = await cliEnvironment(profile, 'drain'));
  });
  afterAll(() => cleanup?.());

  it('drains on SIGTERM: readiness fails, keep-alive clients are told to close, no request fails, relays flush, exit 0', async () => {
    const run = emporium(['start'], {
      ...env,
      SEED_DEMO_DATA: 'false',
      SHUTDOWN_DRAIN_DELAY_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '20000',
    });
    const url = await readyAt(run, 150_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const answers: Answer[] = [];
    const failures: unknown[] = [];
    // Four clients on kept-alive connections, reading and signing up (each sign-up writes an event),
    // each until this instance tells it to close: behind a load balancer it goes on elsewhere.
    const clients = Array.from({ length: 4 }, async (_, client) => {
      for (let i = 0; ; i += 1) {
        const answer = await (
          i % 3 === 0
            ? sendRetrying(agent, `${url}/api/v1/auth/register`, 'POST', {
                email: `drain-${client}-${i}-${Date.now()}@example.com`,
                password: 'a long password',
                name: 'Drain',
              })
            : sendRetrying(agent, `${url}/api/v1/categories`)
        ).catch((err: unknown) => {
          failures.push(err);
          return 'failed' as const;
        });
        if (answer === 'refused' || answer === 'failed') return answer;
        answers.push(answer);
        if (answer.closes) return 'told to close';
      }
    });
    // Under way on every client before the signal.
    const deadline = Date.now() + 30_000;
    while (answers.length < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = answers.length;
    expect(before).toBeGreaterThanOrEqual(12);

    const signalled = Date.now();
    run.child.kill('SIGTERM');
    // Within the drain delay the process still answers, and says it is not ready.
    const readiness = await eventually(
      async () => {
        const answer = await send(false, `${url}/health/ready`);
        return answer.status === 503 ? answer : undefined;
      },
      10_000,
      'readiness failing after SIGTERM',
    );
    const exitCode = await run.exited;
    const tookMs = Date.now() - signalled;
    const endings = await Promise.all(clients);
    agent.destroy();

    expect(readiness.status).toBe(503);
    expect(readiness.contentType).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(readiness.body)).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(failures).toEqual([]);
    expect(answers.filter((a) => a.status !== 200 && a.status !== 201)).toEqual([]);
    expect(answers.length).toBeGreaterThan(before);
    expect(endings).toEqual(['told to close', 'told to close', 'told to close', 'told to close']);
    expect(exitCode).toBe(0);
    expect(tookMs).toBeLessThan(10_000);

    // What the sign-ups wrote went out before the process ended.
    const db = await connectDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' });
    try {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from identity.outbox where published_at is null`.execute(db.root);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 300_000);
});
