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
    expect((await call(first, 'POST', '/api/v1/auth/logout', { token: user.accessToken, ...fromIp('203.0.113.20') })).status).toBe(204);
    const refused = await call(first, 'GET', '/api/v1/me', { token: user.accessToken, ...fromIp('203.0.113.21') });
    expect(refused.status).toBe(401);
    expect(refused.headers['ratelimit-remaining']).toBe(String(limit - 1));

    const login = await call(first, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password }, ...fromIp('203.0.113.22') });
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
