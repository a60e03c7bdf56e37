import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../src/platform/config/config-schema.js';
import { createFakeClock } from './support/fake-clock.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser, uniqueEmail } from './support/http.js';
import { kvContents } from './support/kv-contents.js';
import { expectProblem } from './support/expect-problem.js';

const password = 'correct horse battery';

/** Five logins with a wrong password and five with unknown emails: the same answer, in about the same time. */
async function expectAlikeFailures(app: TestApp): Promise<void> {
  const user = await registerUser(app, 'wrong');
  const attempt = async (email: string) => {
    const started = performance.now();
    const res = await call(app, 'POST', '/api/v1/auth/login', { body: { email, password: 'not the password' } });
    return { res, ms: performance.now() - started };
  };
  const attempts = async (email: () => string) => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await attempt(email()));
    return made;
  };
  const wrong = await attempts(() => user.email);
  const unknown = await attempts(() => uniqueEmail('nobody'));
  for (const { res } of [...wrong, ...unknown]) expectProblem(res, 401, 'invalid_credentials');
  const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
  expect(strip(unknown[0]!.res.body)).toEqual(strip(wrong[0]!.res.body));
  // The fastest of five: a busy machine only ever adds time, so the minimum is the work itself.
  const fastest = (xs: { ms: number }[]) => Math.min(...xs.map((x) => x.ms));
  // Both pay for one argon2 verification; without the dummy check an unknown email would be instant.
  expect(fastest(unknown)).toBeGreaterThan(fastest(wrong) * 0.4);
}

const graceSeconds = 10;

describe.each(profiles)('identity: register, login, refresh, logout, me (%s)', (profile) => {
  let app: TestApp;
  // The refresh retry grace runs on this clock: tests move it past the grace, not wait it out.
  const clock = createFakeClock();
  const afterGrace = () => clock.advance(graceSeconds * 1000 + 1);
  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity'],
      clock,
      config: { refreshReuseGraceSeconds: graceSeconds },
    });
  });
  afterAll(async () => app?.close());

  describe('POST /auth/register', () => {
    it('creates a customer, signs in and answers 201 with the user and a token pair', async () => {
      const email = uniqueEmail('reg');
      const res = await call(app, 'POST', '/api/v1/auth/register', {
        body: { email, password, name: '  Ada Lovelace  ' },
      });
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        user: {
          id: expect.stringMatching(/^usr_/),
          email,
          name: 'Ada Lovelace',
          role: 'customer',
          createdAt: expect.any(String),
        },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: app.config.accessTokenTtlSeconds,
      });
      expect(new Date(res.body.user.createdAt).toISOString()).toBe(res.body.user.createdAt);
      const me = await call(app, 'GET', '/api/v1/me', { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toEqual(res.body.user);
    });

    it('rejects the same email in another case with 409 email_taken', async () => {
      const email = uniqueEmail('case');
      expect((await call(app, 'POST', '/api/v1/auth/register', { body: { email, password, name: 'A' } })).status).toBe(
        201,
      );
      const res = await call(app, 'POST', '/api/v1/auth/register', {
        body: { email: email.toUpperCase(), password, name: 'B' },
      });
      expectProblem(res, 409, 'email_taken');
    });

    it('lets exactly one of several concurrent sign-ups with one email succeed', async () => {
      const email = uniqueEmail('race');
      const variants = [email, email.toUpperCase(), email, `${email[0]!.toUpperCase()}${email.slice(1)}`, email];
      const results = await Promise.all(
        variants.map((e) =>
          call(app, 'POST', '/api/v1/auth/register', { body: { email: e, password, name: 'Racer' } }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409, 'email_taken');
    });

    it.each([
      ['an unknown property', { extra: true }, '/extra'],
      ['a number where a string belongs', { password: 12345678901 }, '/password'],
      ['a short password', { password: 'short' }, '/password'],
      ['an overlong password', { password: 'x'.repeat(257) }, '/password'],
      ['a password of ten spaces', { password: ' '.repeat(10) }, '/password'],
      ['a password of only tabs, newlines and no-break spaces', { password: '\t\n\u00a0 '.repeat(3) }, '/password'],
      ['an invalid email', { email: 'not-an-email' }, '/email'],
      ['a blank name', { name: '   ' }, '/name'],
      ['an overlong name', { name: 'n'.repeat(101) }, '/name'],
    ])('rejects %s with 400 validation_failed naming the field', async (_label, change, path) => {
      const body = { email: uniqueEmail('bad'), password, name: 'Valid', ...change };
      const res = await call(app, 'POST', '/api/v1/auth/register', { body });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
    });

    it('rejects a missing field', async () => {
      const res = await call(app, 'POST', '/api/v1/auth/register', {
        body: { email: uniqueEmail('missing'), password },
      });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual({ path: '/name', message: 'is required' });
    });
  });

  describe('POST /auth/login', () => {
    it('signs in with the password, whatever the case of the email', async () => {
      const user = await registerUser(app, 'login');
      const res = await call(app, 'POST', '/api/v1/auth/login', {
        body: { email: user.email.toUpperCase(), password: user.password },
      });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        user: { id: user.id, email: user.email, name: 'Test login', role: 'customer', createdAt: expect.any(String) },
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: app.config.accessTokenTtlSeconds,
      });
    });

    it('answers an unknown email and a wrong password alike, in similar time', async () => {
      // At the production cost of argon2, which is what the answer's time must not give away.
      const owasp = await createTestApp(profile, {
        services: ['identity'],
        config: { passwordHashMemoryKib: configSchema.passwordHashMemoryKib.default },
      });
      try {
        await expectAlikeFailures(owasp);
      } finally {
        await owasp.close();
      }
    });
  });

  describe('POST /auth/refresh', () => {
    it('rotates the pair; the new tokens work', async () => {
      const user = await registerUser(app, 'refresh');
      const res = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        expiresIn: app.config.accessTokenTtlSeconds,
      });
      expect(res.body.refreshToken).not.toBe(user.refreshToken);
      expect((await call(app, 'GET', '/api/v1/me', { token: res.body.accessToken })).status).toBe(200);
      const again = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: res.body.refreshToken } });
      expect(again.status).toBe(200);
    });

    it('answers refreshes racing with one token with one and the same new pair, which works', async () => {
      const user = await registerUser(app, 'tabs');
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      for (const res of results) expect(res.body).toEqual(results[0]!.body);
      expect(results[0]!.body.refreshToken).not.toBe(user.refreshToken);
      expect((await call(app, 'GET', '/api/v1/me', { token: results[0]!.body.accessToken })).status).toBe(200);
      const next = await call(app, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: results[0]!.body.refreshToken },
      });
      expect(next.status).toBe(200);
      expect((await call(app, 'GET', '/api/v1/me', { token: next.body.accessToken })).status).toBe(200);
    });

    it('answers a retry within the grace with the same pair and keeps the session', async () => {
      const user = await registerUser(app, 'retry');
      const first = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      const retry = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect([first.status, retry.status]).toEqual([200, 200]);
      expect(retry.body).toEqual(first.body);
      expect((await call(app, 'GET', '/api/v1/me', { token: first.body.accessToken })).status).toBe(200);
      expect(
        (await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.body.refreshToken } })).status,
      ).toBe(200);
    });

    it('keeps the pair answered within the grace sealed: no new token is stored as it was sent', async () => {
      const user = await registerUser(app, 'sealed');
      const rotated = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect(rotated.status).toBe(200);
      const stored = [...(await kvContents(app))];
      expect(stored.some(([key]) => key.includes('refresh-successor'))).toBe(true);
      const atRest = stored.flat().join('\n');
      for (const token of [rotated.body.accessToken, rotated.body.refreshToken, user.refreshToken])
        expect(atRest).not.toContain(token);
    });

    it('closes the whole session when an already used refresh token comes back after the grace', async () => {
      const user = await registerUser(app, 'reuse');
      const rotated = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect(rotated.status).toBe(200);
      afterGrace();

      const replay = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expectProblem(replay, 401, 'unauthorized');
      const successor = await call(app, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: rotated.body.refreshToken },
      });
      expectProblem(successor, 401, 'unauthorized');
      expectProblem(await call(app, 'GET', '/api/v1/me', { token: rotated.body.accessToken }), 401, 'unauthorized');
      expectProblem(await call(app, 'GET', '/api/v1/me', { token: user.accessToken }), 401, 'unauthorized');
    });

    it('leaves other sessions of the same user alone', async () => {
      const user = await registerUser(app, 'two');
      const other = await call(app, 'POST', '/api/v1/auth/login', {
        body: { email: user.email, password: user.password },
      });
      await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
      afterGrace();
      expectProblem(
        await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
        401,
        'unauthorized',
      );
      expect((await call(app, 'GET', '/api/v1/me', { token: other.body.accessToken })).status).toBe(200);
      expect(
        (await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status,
      ).toBe(200);
    });

    it.each([
      ['garbage', 'not-a-token'],
      ['unknown session', `ses_${'a'.repeat(22)}.${'b'.repeat(43)}`],
      ['an access token', null],
    ])('rejects %s with 401', async (_label, token) => {
      const user = await registerUser(app, 'badrefresh');
      const res = await call(app, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: token ?? user.accessToken },
      });
      expectProblem(res, 401, 'unauthorized');
    });

    it('rejects a refresh body with unknown properties', async () => {
      const res = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: 'x', extra: 1 } });
      expectProblem(res, 400, 'validation_failed');
      expect(res.body.errors).toContainEqual({ path: '/extra', message: expect.any(String) });
    });
  });

  describe('POST /auth/logout and GET /me', () => {
    it('ends the session: its access and refresh tokens are rejected at once', async () => {
      const user = await registerUser(app, 'logout');
      const res = await call(app, 'POST', '/api/v1/auth/logout', { token: user.accessToken });
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectProblem(await call(app, 'GET', '/api/v1/me', { token: user.accessToken }), 401, 'unauthorized');
      expectProblem(
        await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } }),
        401,
        'unauthorized',
      );
      expectProblem(await call(app, 'POST', '/api/v1/auth/logout', { token: user.accessToken }), 401, 'unauthorized');
    });

    it('needs a signed-in user', async () => {
      expectProblem(await call(app, 'POST', '/api/v1/auth/logout'), 401, 'unauthorized');
      expectProblem(await call(app, 'GET', '/api/v1/me'), 401, 'unauthorized');
    });

    it('answers /me with the account, never cached', async () => {
      const user = await registerUser(app, 'me');
      const res = await call(app, 'GET', '/api/v1/me', { token: user.accessToken });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expect(res.body).toEqual({
        id: user.id,
        email: user.email,
        name: 'Test me',
        role: 'customer',
        createdAt: expect.any(String),
      });
    });
  });
  it('describes its operations in the OpenAPI document as they behave', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    const op = (path: string, method: string) => doc.paths[`/api/v1${path}`][method];
    const statuses = (path: string, method: string) => Object.keys(op(path, method).responses).sort();
    // 413, 415 (with a body) and 429 come from the gateway, in front of every operation.
    expect(statuses('/auth/register', 'post')).toEqual(['201', '400', '409', '413', '415', '429']);
    expect(statuses('/auth/login', 'post')).toEqual(['200', '400', '401', '413', '415', '429']);
    expect(statuses('/auth/refresh', 'post')).toEqual(['200', '400', '401', '413', '415', '429']);
    expect(statuses('/auth/logout', 'post')).toEqual(['204', '401', '429']);
    expect(statuses('/me', 'get')).toEqual(['200', '401', '429']);
    for (const [path, method] of [
      ['/auth/logout', 'post'],
      ['/me', 'get'],
    ] as const) {
      expect(op(path, method).security).toEqual([{ bearerAuth: [] }]);
    }
    expect(op('/auth/register', 'post').security).toBeUndefined();
    expect(op('/auth/register', 'post').requestBody.content['application/json'].schema.additionalProperties).toBe(
      false,
    );
  });
});
