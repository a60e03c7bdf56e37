import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, createProduct, registerUser, type CallResult, type TestUser } from './support/http.js';
import { bodyProbes, craftedCursors, numberProbes, unstorable, urlProbes, type Probe } from './support/input-probes.js';

function expectFieldNamed(res: CallResult, field: string, code = 'validation_failed'): void {
  const shown = `${res.status} ${res.text}`;
  expect(res.status, shown).toBe(400);
  expect(res.headers['content-type'], shown).toMatch(/^application\/problem\+json/);
  expect(res.body.code, shown).toBe(code);
  expect(
    res.body.errors.map((e: { path: string }) => e.path),
    shown,
  ).toContain(field);
}

describe.each(profiles)('input PostgreSQL cannot hold (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  let productId: string;

  const send = (probe: Probe): Promise<CallResult> => {
    const token =
      probe.who === 'admin' ? admin.accessToken : probe.who === 'customer' ? customer.accessToken : undefined;
    // Checkout needs its key before it reads the body.
    const headers: Record<string, string> = probe.url === '/api/v1/checkout' ? { 'idempotency-key': randomUUID() } : {};
    return call(app, probe.method, probe.url, {
      token,
      headers,
      ...(probe.body === undefined ? {} : { body: probe.body }),
    });
  };

  /** Rows of every table a rejected request could have written, and the customer's cart. */
  const snapshot = async () => {
    const tables = [
      'identity.users',
      'catalog.products',
      'catalog.categories',
      'catalog.inventory_adjustments',
      'catalog.reservations',
      'orders.orders',
      'orders.idempotency_keys',
      'identity.outbox',
      'catalog.outbox',
      'orders.outbox',
    ];
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        app.infrastructure.db.root,
      );
      counts[table] = rows[0]?.n ?? -1;
    }
    const cart = await call(app, 'GET', '/api/v1/cart', { token: customer.accessToken });
    const product = await call(app, 'GET', `/api/v1/products/${productId}`);
    return { counts, cart: cart.body.items, product: product.body };
  };

  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['identity', 'catalog', 'cart', 'orders', 'notifications'] });
    admin = await createAdmin(app);
    customer = await registerUser(app, 'hardening');
    productId = (await createProduct(app, admin, 10, 1500, 'Kettle')).id;
    const added = await call(app, 'POST', '/api/v1/cart/items', {
      token: customer.accessToken,
      body: { productId, quantity: 1 },
    });
    expect(added.status, added.text).toBe(200);
  });
  afterAll(() => app?.close());

  it('refuses NUL and lone surrogates in every body field with a 400 naming the field, and changes nothing', async () => {
    const before = await snapshot();
    for (const [kind, bad] of Object.entries(unstorable)) {
      for (const probe of bodyProbes(bad, { customer, productId })) {
        const res = await send(probe);
        expect(res.status, `${kind} in ${probe.method} ${probe.url} ${probe.field}: ${res.text}`).toBe(400);
        expectFieldNamed(res, probe.field);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses NUL in every path parameter and query parameter with a 400 naming it', async () => {
    const before = await snapshot();
    for (const encoded of ['%00', 'x%00y']) {
      for (const probe of urlProbes(encoded)) expectFieldNamed(await send(probe), probe.field);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a path whose percent-encoding is not UTF-8 (how a lone surrogate would be sent) as problem+json', async () => {
    for (const url of ['/api/v1/products/%ED%A0%80', '/api/v1/orders/%ED%A0%80', '/api/v1/cart/items/%C0%80']) {
      const res = await call(app, 'GET', url, { token: customer.accessToken });
      expectFieldNamed(res, '/params');
    }
  });

  it('refuses numbers beyond what their columns hold', async () => {
    const before = await snapshot();
    for (const probe of numberProbes(productId)) expectFieldNamed(await send(probe), probe.field);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses crafted cursors whose keys no column holds with 400 invalid_cursor naming the cursor', async () => {
    for (const [list, who, cursors] of craftedCursors) {
      for (const cursor of cursors) {
        const url = `${list}${list.includes('?') ? '&' : '?'}cursor=${cursor}`;
        expectFieldNamed(
          await send({ method: 'GET', url, who, field: '/querystring/cursor' }),
          '/querystring/cursor',
          'invalid_cursor',
        );
      }
    }
  });

  it('still pages with the cursors it made itself', async () => {
    for (let i = 0; i < 2; i += 1) await createProduct(app, admin, 1, 1500 + i, 'Kettle');
    for (const query of ['sort=newest', 'sort=price_asc', 'sort=price_desc', 'q=kettle&sort=relevance']) {
      const first = await call(app, 'GET', `/api/v1/products?${query}&limit=1`);
      expect(first.body.nextCursor, query).toEqual(expect.any(String));
      const next = await call(app, 'GET', `/api/v1/products?${query}&limit=1&cursor=${first.body.nextCursor}`);
      expect(next.status, next.text).toBe(200);
      expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
    }
  });
});
