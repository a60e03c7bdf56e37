import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser } from './support/http.js';

const limit = 5;
const fromIp = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

describe.each(profiles)('rate limiting (%s profile)', (profile) => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const config = { rateLimitPerHour: limit, trustedProxies: ['127.0.0.1'] };
    first = await createTestApp(profile, { config });
    second = await createTestApp(profile, { config, shareWith: first });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts anonymous requests per client IP and answers the limit+1-th with 429', async () => {
    for (let i = 1; i <= limit; i++) {
      const res = await call(first, 'GET', '/api/v1/categories', fromIp('203.0.113.1'));
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe(String(limit));
      expect(res.headers['ratelimit-remaining']).toBe(String(limit - i));
      const reset = Number(res.headers['ratelimit-reset']);
      expect(reset).toBeGreaterThan(3500);
      expect(reset).toBeLessThanOrEqual(3600);
    }
    const over = await call(first, 'GET', '/api/v1/categories', fromIp('203.0.113.1'));
    expect(over.status).toBe(429);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(over.body.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.headers['ratelimit-remaining']).toBe('0');

    const otherClient = await call(first, 'GET', '/api/v1/categories', fromIp('203.0.113.2'));
    expect(otherClient.status).toBe(200);
  });

  it('counts a signed-in user apart from the IP it comes from', async () => {
    const user = await registerUser(first, 'limited');
    for (let i = 0; i < limit; i++) {
      const res = await call(first, 'GET', '/api/v1/me', { token: user.accessToken, ...fromIp('203.0.113.9') });
      expect(res.status).toBe(200);
    }
    const over = await call(first, 'GET', '/api/v1/me', { token: user.accessToken, ...fromIp('203.0.113.10') });
    expect(over.status).toBe(429);
    const anonymousSameIp = await call(first, 'GET', '/api/v1/categories', fromIp('203.0.113.9'));
    expect(anonymousSameIp.status).toBe(200);
  });

  it('counts a token of a closed session against the IP, not against its user', async () => {
    const user = await registerUser(first, 'revoked');
    expect(
      (await call(first, 'POST', '/api/v1/auth/logout', { token: user.accessToken, ...fromIp('203.0.113.20') })).status,
    ).toBe(204);
    const refused = await call(first, 'GET', '/api/v1/me', { token: user.accessToken, ...fromIp('203.0.113.21') });
    expect(refused.status).toBe(401);
    expect(refused.headers['ratelimit-remaining']).toBe(String(limit - 1));

    const login = await call(first, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
      ...fromIp('203.0.113.22'),
    });
    expect(login.status).toBe(200);
    const me = await call(first, 'GET', '/api/v1/me', { token: login.body.accessToken, ...fromIp('203.0.113.23') });
    expect(me.status).toBe(200);
    // The user's count holds the logout and this request, not the refused one.
    expect(me.headers['ratelimit-remaining']).toBe(String(limit - 2));
  });

  it('shares counters between two gateway instances on one store', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < limit + 2; i++) {
      const app = i % 2 === 0 ? first : second;
      statuses.push((await call(app, 'GET', '/api/v1/categories', fromIp('198.51.100.7'))).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe.each(profiles)('client IP behind proxies (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { config: { rateLimitPerHour: 2 } });
  });
  afterAll(() => app?.close());

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const a = await call(app, 'GET', '/api/v1/categories', fromIp('192.0.2.1'));
    const b = await call(app, 'GET', '/api/v1/categories', fromIp('192.0.2.2'));
    const c = await call(app, 'GET', '/api/v1/categories', fromIp('192.0.2.3'));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
  });
});

/** One request written by hand on a socket, so the request target is sent exactly as given. */
function rawRequest(
  port: number,
  requestLine: string,
  headers: Record<string, string>,
): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = Object.entries({ host: 'x', connection: 'close', ...headers }).map(
        ([name, value]) => `${name}: ${value}`,
      );
      socket.write(`${requestLine}\r\n${lines.join('\r\n')}\r\n\r\n`);
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const head = received.split('\r\n\r\n')[0] ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head: head.toLowerCase() });
    });
  });
}

describe.each(profiles)('rate limiting counts the route, whatever the spelling of its path (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { config: { rateLimitPerHour: limit, trustedProxies: ['127.0.0.1'] } });
  });
  afterAll(() => app?.close());

  it('counts percent-encoded spellings of an API path like the plain one', async () => {
    const ip = fromIp('203.0.113.40');
    const spellings = [
      '/api/v1/categories',
      '/%61pi/v1/categories',
      '/a%70i/v1/categories',
      '/api/v1/%63ategories',
      '/%61%70%69/v1/categories',
    ];
    for (const [i, url] of spellings.entries()) {
      const res = await call(app, 'GET', url, ip);
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-remaining']).toBe(String(limit - 1 - i));
    }
    for (const url of spellings) {
      const over = await call(app, 'GET', url, ip);
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('rate_limited');
      expect(over.headers['ratelimit-limit']).toBe(String(limit));
    }
  });

  it('stops a password guesser who spells the login path with escapes', async () => {
    const user = await registerUser(app, 'guessed');
    const ip = fromIp('203.0.113.41');
    const login = (path: string, password: string) =>
      call(app, 'POST', path, { body: { email: user.email, password }, ...ip });
    const statuses: number[] = [];
    for (let i = 0; i < limit + 3; i++)
      statuses.push((await login(i % 2 ? '/%61pi/v1/auth/login' : '/api/v1/auth/%6cogin', `guess number ${i}`)).status);
    expect(statuses).toEqual([...Array<number>(limit).fill(401), 429, 429, 429]);
    const rightPassword = await login('/a%70i/v1/auth/login', user.password);
    expect(rightPassword.status).toBe(429);
    expect(rightPassword.body.accessToken).toBeUndefined();
  });

  it('counts a signed-in user past the limit on escaped paths', async () => {
    const user = await registerUser(app, 'escaped');
    const statuses: number[] = [];
    for (let i = 0; i < limit + 2; i++) {
      const url = ['/api/v1/me', '/%61pi/v1/me', '/api/v1/%6de'][i % 3]!;
      statuses.push(
        (await call(app, 'GET', url, { token: user.accessToken, ...fromIp(`203.0.113.${50 + i}`) })).status,
      );
    }
    // The registration was the user's first request (counted against the IP, before a token existed).
    expect(statuses).toEqual([...Array<number>(limit).fill(200), 429, 429]);
  });

  it('counts requests to API paths that do not exist, so spraying 404s is limited too', async () => {
    const ip = fromIp('203.0.113.42');
    for (let i = 1; i <= limit; i++) {
      const res = await call(app, 'GET', `/api/v1/no-such-thing-${i}`, ip);
      expect(res.status).toBe(404);
      expect(res.headers['ratelimit-remaining']).toBe(String(limit - i));
    }
    expect((await call(app, 'GET', '/%61pi/v1/nothing', ip)).status).toBe(429);
    expect((await call(app, 'GET', '/elsewhere', ip)).status).toBe(429);
    expect((await call(app, 'GET', '/api/v1/categories', ip)).status).toBe(429);
  });

  it('leaves health checks and the API description unlimited', async () => {
    const ip = fromIp('203.0.113.43');
    for (let i = 0; i <= limit; i++) await call(app, 'GET', '/api/v1/categories', ip);
    for (const url of ['/health/live', '/health/ready', '/openapi.json', '/docs/']) {
      const res = await call(app, 'GET', url, ip);
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('counts absolute-form request targets on a real socket', async () => {
    const address = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const forwarded = { 'x-forwarded-for': '203.0.113.44' };
    const statuses: number[] = [];
    const heads: string[] = [];
    for (const target of [
      'http://x/api/v1/categories',
      'http://x/%61pi/v1/categories',
      '/api/v1/categories',
      'http://shop.example/api/v1/categories',
      'http://x/a%70i/v1/categories',
      'http://x/api/v1/categories',
      'http://x/%61pi/v1/me',
    ]) {
      const res = await rawRequest(port, `GET ${target} HTTP/1.1`, forwarded);
      statuses.push(res.status);
      heads.push(res.head);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    for (const head of heads) expect(head).toMatch(/^ratelimit-remaining: \d+$/m);
  });
});

describe.each(profiles)('rate limiting in front of a service that runs apart (%s profile)', (profile) => {
  let identity: TestApp;
  let gateway: TestApp;
  beforeAll(async () => {
    identity = await createTestApp(profile, { services: ['identity'], gateway: false });
    const address = await identity.app.listen({ port: 0, host: '127.0.0.1' });
    gateway = await createTestApp(profile, {
      services: ['catalog'],
      shareWith: identity,
      config: { identityUrls: [address], rateLimitPerHour: limit, trustedProxies: ['127.0.0.1'] },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await identity?.close();
  });

  it('counts requests the gateway proxies, escaped or not, and stops login guesses', async () => {
    const email = `split-${Date.now()}@example.com`;
    const ip = fromIp('198.51.100.40');
    const registered = await call(gateway, 'POST', '/%61pi/v1/auth/register', {
      body: { email, password: 'correct horse battery', name: 'Split' },
      ...ip,
    });
    expect(registered.status).toBe(201);
    expect(registered.headers['ratelimit-remaining']).toBe(String(limit - 1));
    const statuses: number[] = [];
    for (let i = 0; i < limit; i++) {
      const res = await call(gateway, 'POST', i % 2 ? '/a%70i/v1/auth/login' : '/api/v1/auth/login', {
        body: { email, password: `wrong guess ${i}` },
        ...ip,
      });
      statuses.push(res.status);
      expect(res.headers['ratelimit-limit']).toBe(String(limit));
    }
    expect(statuses).toEqual([...Array<number>(limit - 1).fill(401), 429]);
    const right = await call(gateway, 'POST', '/%61pi/v1/auth/login', {
      body: { email, password: 'correct horse battery' },
      ...ip,
    });
    expect(right.status).toBe(429);
  });
});
