import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser, uniqueEmail } from './support/http.js';
import { kvContents } from './support/kv-contents.js';
import { expectProblem } from './support/expect-problem.js';

describe.each(profiles)('identity: failed logins per account (%s)', (profile) => {
  const limit = 3;
  const windowSeconds = 3;
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity'],
      config: { loginFailureLimit: limit, loginFailureWindowSeconds: windowSeconds, trustedProxies: ['127.0.0.1'] },
    });
  });
  afterAll(async () => app?.close());

  const login = (email: string, pass: string, ip = '203.0.113.1') =>
    call(app, 'POST', '/api/v1/auth/login', { body: { email, password: pass }, headers: { 'x-forwarded-for': ip } });
  const expectThrottled = (res: Awaited<ReturnType<typeof login>>) => {
    expectProblem(res, 429, 'rate_limited');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    expect(res.body.accessToken).toBeUndefined();
  };

  it('refuses logins to an account with 429 after the limit of failures from many IPs, even with its password', async () => {
    const user = await registerUser(app, 'guessed');
    for (let i = 0; i < limit; i++)
      expectProblem(await login(user.email, `guess ${i} wrong`, `198.51.100.${i + 1}`), 401, 'invalid_credentials');
    expectThrottled(await login(user.email, user.password, '198.51.100.200'));
    expectThrottled(await login(user.email.toUpperCase(), user.password, '198.51.100.201'));
    const other = await registerUser(app, 'bystander');
    expect((await login(other.email, other.password, '198.51.100.1')).status).toBe(200);
  });

  it('counts unknown emails alike, and answers them as it answers accounts', async () => {
    const user = await registerUser(app, 'known');
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < limit; i++) {
      expectProblem(await login(user.email, 'not the password'), 401, 'invalid_credentials');
      expectProblem(await login(nobody, 'not the password'), 401, 'invalid_credentials');
    }
    const [known, unknown] = [await login(user.email, 'not the password'), await login(nobody, 'not the password')];
    expectThrottled(known);
    expectThrottled(unknown);
    expect({ ...unknown.body, instance: undefined }).toEqual({ ...known.body, instance: undefined });
  });

  it('lets no more guesses through than the limit when they come all at once', async () => {
    const user = await registerUser(app, 'parallel');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => login(user.email, `parallel guess ${i}`, `192.0.2.${i + 1}`)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([
      ...Array<number>(limit).fill(401),
      ...Array<number>(10 - limit).fill(429),
    ]);
  });

  it('clears the count on a successful login', async () => {
    const user = await registerUser(app, 'forgetful');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < limit - 1; i++)
        expectProblem(await login(user.email, `typo ${round} ${i}`), 401, 'invalid_credentials');
      expect((await login(user.email, user.password)).status).toBe(200);
    }
  });

  it('opens again when the window that began with the first failure ends, however often it was tried meanwhile', async () => {
    const user = await registerUser(app, 'patient');
    const firstFailure = Date.now();
    for (let i = 0; i < limit; i++) await login(user.email, `guess ${i} wrong`);
    let answer = await login(user.email, user.password);
    expectThrottled(answer);
    while (answer.status === 429 && Date.now() - firstFailure < windowSeconds * 1000 + 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await login(user.email, user.password);
    }
    expect(answer.status).toBe(200);
    // Opened by the window's end, not by the tries made meanwhile.
    expect(Date.now() - firstFailure).toBeGreaterThanOrEqual(windowSeconds * 1000);
  });

  it('keeps a hash of the email in the store, never the address', async () => {
    const user = await registerUser(app, 'stored');
    await login(user.email, 'not the password');
    const stored = [...(await kvContents(app))].flat().join('\n');
    expect(stored).toMatch(/identity:login-failures:[\w-]{43}/);
    expect(stored.toLowerCase()).not.toContain(user.email.toLowerCase());
  });
});
