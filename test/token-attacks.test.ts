import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeClock } from './support/fake-clock.js';
import { expectProblem } from './support/expect-problem.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, createProduct, registerUser, type CallResult, type TestUser } from './support/http.js';
import { forgeries, forgeryNames } from './support/forged-tokens.js';
import { operationsOf, type Operation } from './support/fuzz/openapi-operations.js';
import { validValue } from './support/fuzz/schema-values.js';

interface Session {
  accessToken: string;
  refreshToken: string;
}

describe.each(profiles)('forged and stale access tokens (%s profile)', (profile) => {
  let app: TestApp;
  let customer: TestUser;
  let admin: TestUser;
  let protectedOperations: Operation[];
  let productId: string;
  let orderId: string;
  let forge: ReturnType<typeof forgeries>;
  // The refresh retry grace runs on this clock: the test moves it past the grace, not waits it out.
  const clock = createFakeClock();
  const graceSeconds = 10;

  beforeAll(async () => {
    app = await createTestApp(profile, {
      background: false,
      clock,
      config: { refreshReuseGraceSeconds: graceSeconds },
    });
    admin = await createAdmin(app);
    customer = await registerUser(app, 'token-victim');
    const other = await registerUser(app, 'token-other');
    productId = (await createProduct(app, admin, 50, 1200, 'Token')).id;
    await call(app, 'POST', '/api/v1/cart/items', { token: customer.accessToken, body: { productId, quantity: 1 } });
    const placed = await call(app, 'POST', '/api/v1/checkout', {
      token: customer.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        shippingAddress: { name: 'Victim', line1: '1 Main St', city: 'Town', postalCode: '1000', country: 'GB' },
        payment: { token: 'tok_visa' },
      },
    });
    orderId = placed.body.order.id;
    protectedOperations = operationsOf((await call(app, 'GET', '/openapi.json')).body).filter((op) => op.secured);
    forge = forgeries({ privateKey: app.signingKeys.privateKey!, publicKey: app.signingKeys.publicKey }, other.id);
  });
  afterAll(async () => app?.close());

  const isAdminOperation = (op: Operation) =>
    op.path.startsWith('/api/v1/admin/') || (op.path.startsWith('/api/v1/products') && op.method !== 'GET');

  /** A request the operation would accept from its rightful user: real ids, a body its schema allows. */
  const send = (op: Operation, token: string): Promise<CallResult> => {
    const url = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      name === 'id' && op.path.includes('/orders/') ? orderId : productId,
    );
    const hints = (name: string) =>
      ({
        productId: fc.constant(productId),
        quantity: fc.constant(1),
        country: fc.constant('GB'),
        token: fc.constant('tok_visa'),
      })[name];
    const body = op.body ? fc.sample(validValue(op.body, 'body', hints), { numRuns: 1, seed: 42 })[0] : undefined;
    const headers = Object.fromEntries(op.headers.filter((h) => h.required).map((h) => [h.name, randomUUID()]));
    return call(app, op.method, url, { token, headers, ...(body === undefined ? {} : { body }) });
  };

  const expectRefusedEverywhere = async (tokenFor: (op: Operation) => Promise<string> | string) => {
    for (const op of protectedOperations) {
      const res = await send(op, await tokenFor(op));
      const label = `${op.method} ${op.path}`;
      expect(res.status, label).toBe(401);
      expect(String(res.headers['content-type']), label).toMatch(/^application\/problem\+json/);
      expect(res.body.code, label).toBe('unauthorized');
    }
  };

  const signIn = async (user: TestUser): Promise<Session> => {
    const res = await call(app, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('lets the genuine tokens through every protected route (the control)', async () => {
    for (const op of protectedOperations) {
      const user = isAdminOperation(op) ? admin : customer;
      // Logging out ends the session: a session of its own, not the one the other checks use.
      const token = op.path.endsWith('/logout') ? (await signIn(user)).accessToken : user.accessToken;
      const res = await send(op, token);
      expect(res.status, `${op.method} ${op.path}`).not.toBe(401);
      expect(res.status, `${op.method} ${op.path}`).toBeLessThan(500);
    }
  });

  it.each(forgeryNames)('refuses a token %s on every protected route', async (forgery) => {
    // Promoting oneself is the customer's attack; every other forgery starts from the token the route wants.
    await expectRefusedEverywhere((op) =>
      forge[forgery](
        forgery === 'claims-role-admin' || !isAdminOperation(op) ? customer.accessToken : admin.accessToken,
      ),
    );
  });

  it('refuses the tokens of a session that logged out, on every protected route', async () => {
    const session = await signIn(customer);
    expect((await call(app, 'POST', '/api/v1/auth/logout', { token: session.accessToken })).status).toBe(204);
    await expectRefusedEverywhere(() => session.accessToken);
    expect(
      (await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } })).status,
    ).toBe(401);
  });

  it('ends the session when a spent refresh token comes back after the retry grace', async () => {
    const first = await signIn(customer);
    const rotated = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(rotated.status).toBe(200);
    const second = rotated.body as Session;
    // Within the grace a retry gets the same new pair (API.md); past it, the spent token is a
    // stolen copy and ends the session.
    clock.advance(graceSeconds * 1000 - 1);
    const again = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(second);
    clock.advance(2);
    expectProblem(
      await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } }),
      401,
      'unauthorized',
    );
    await expectRefusedEverywhere(() => first.accessToken);
    await expectRefusedEverywhere(() => second.accessToken);
    expect(
      (await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status,
    ).toBe(401);
  });
});
