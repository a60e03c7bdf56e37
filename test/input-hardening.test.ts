/* eslint-disable max-lines -- one suite of the limits every route applies to its input */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, createProduct, registerUser, type CallResult, type TestUser } from './support/http.js';

/** Strings no PostgreSQL text column can hold: NUL, and UTF-16 surrogates without their pair. */
const unstorable = { nul: 'a\u0000b', 'lone high surrogate': 'a\ud800b', 'lone low surrogate': '\udc00z' };

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

type Who = 'anyone' | 'customer' | 'admin';

interface Probe {
  method: string;
  url: string;
  body?: unknown;
  who: Who;
  /** The field the problem must name. */
  field: string;
}

/** The same value set at `path` (dot separated) of a copy of `body`. */
function withValue(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
  return copy;
}

const cursorOf = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');

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

  /** Every body field of every public route that takes text, with a valid body around it. */
  const bodyProbes = (bad: string): Probe[] => {
    const register = { email: 'hardening-new@example.com', password: 'a long password', name: 'New' };
    const product = {
      sku: 'HARD-1',
      name: 'Hard',
      description: 'Hard to store.',
      price: { amount: 100, currency: 'USD' },
    };
    const checkout = { shippingAddress: { ...address, line2: 'Flat 1' }, payment: { token: 'tok_visa' } };
    const fields = (method: string, url: string, who: Who, body: Record<string, unknown>, paths: string[]): Probe[] =>
      paths.map((path) => ({
        method,
        url,
        who,
        body: withValue(body, path, bad),
        field: `/${path.replace(/\./g, '/')}`,
      }));
    return [
      ...fields('POST', '/api/v1/auth/register', 'anyone', register, ['email', 'password', 'name']),
      ...fields('POST', '/api/v1/auth/login', 'anyone', { email: customer.email, password: customer.password }, [
        'email',
        'password',
      ]),
      ...fields('POST', '/api/v1/auth/refresh', 'anyone', { refreshToken: customer.refreshToken }, ['refreshToken']),
      ...fields('POST', '/api/v1/products', 'admin', product, ['sku', 'name', 'description', 'price.currency']),
      ...fields('PATCH', `/api/v1/products/${productId}`, 'admin', { name: 'Renamed', description: 'Changed.' }, [
        'name',
        'description',
      ]),
      ...fields(
        'POST',
        `/api/v1/products/${productId}/inventory-adjustments`,
        'admin',
        { delta: 1, reason: 'Delivery' },
        ['reason'],
      ),
      ...fields('POST', '/api/v1/categories', 'admin', { slug: 'hardening', name: 'Hardening' }, ['slug', 'name']),
      ...fields('POST', '/api/v1/cart/items', 'customer', { productId, quantity: 1 }, ['productId']),
      ...fields('POST', '/api/v1/checkout', 'customer', checkout, [
        'shippingAddress.name',
        'shippingAddress.line1',
        'shippingAddress.line2',
        'shippingAddress.city',
        'shippingAddress.postalCode',
        'shippingAddress.country',
        'payment.token',
      ]),
      ...fields(
        'POST',
        '/api/v1/admin/orders/ord_unknown/ship',
        'admin',
        { carrier: 'DHL', trackingNumber: 'JD0146' },
        ['carrier', 'trackingNumber'],
      ),
    ];
  };

  /** Path and query values: only NUL can be percent-encoded (a lone surrogate has no UTF-8 form). */
  const urlProbes = (encoded: string): Probe[] => [
    { method: 'GET', url: `/api/v1/products/${encoded}`, who: 'anyone', field: '/params/id' },
    {
      method: 'PATCH',
      url: `/api/v1/products/${encoded}`,
      who: 'admin',
      body: { name: 'Renamed' },
      field: '/params/id',
    },
    { method: 'DELETE', url: `/api/v1/products/${encoded}`, who: 'admin', field: '/params/id' },
    {
      method: 'POST',
      url: `/api/v1/products/${encoded}/inventory-adjustments`,
      who: 'admin',
      body: { delta: 1, reason: 'Delivery' },
      field: '/params/id',
    },
    { method: 'GET', url: `/api/v1/orders/${encoded}`, who: 'customer', field: '/params/id' },
    { method: 'POST', url: `/api/v1/orders/${encoded}/cancel`, who: 'customer', field: '/params/id' },
    {
      method: 'POST',
      url: `/api/v1/admin/orders/${encoded}/ship`,
      who: 'admin',
      body: { carrier: 'DHL', trackingNumber: 'JD0146' },
      field: '/params/id',
    },
    {
      method: 'PUT',
      url: `/api/v1/cart/items/${encoded}`,
      who: 'customer',
      body: { quantity: 2 },
      field: '/params/productId',
    },
    { method: 'DELETE', url: `/api/v1/cart/items/${encoded}`, who: 'customer', field: '/params/productId' },
    { method: 'GET', url: `/api/v1/products?q=${encoded}`, who: 'anyone', field: '/querystring/q' },
    { method: 'GET', url: `/api/v1/products?cursor=${encoded}`, who: 'anyone', field: '/querystring/cursor' },
    { method: 'GET', url: `/api/v1/orders?cursor=${encoded}`, who: 'customer', field: '/querystring/cursor' },
    { method: 'GET', url: `/api/v1/admin/orders?cursor=${encoded}`, who: 'admin', field: '/querystring/cursor' },
    { method: 'GET', url: `/api/v1/notifications?cursor=${encoded}`, who: 'customer', field: '/querystring/cursor' },
  ];

  it('refuses NUL and lone surrogates in every body field with a 400 naming the field, and changes nothing', async () => {
    const before = await snapshot();
    for (const [kind, bad] of Object.entries(unstorable)) {
      for (const probe of bodyProbes(bad)) {
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
    const probes: Probe[] = [
      {
        method: 'POST',
        url: '/api/v1/products',
        who: 'admin',
        body: { sku: 'BIG-1', name: 'Big', description: '', price: { amount: 2 ** 31 } },
        field: '/price/amount',
      },
      {
        method: 'POST',
        url: '/api/v1/products',
        who: 'admin',
        body: { sku: 'BIG-2', name: 'Big', description: '', price: { amount: 1e300 } },
        field: '/price/amount',
      },
      {
        method: 'POST',
        url: '/api/v1/products',
        who: 'admin',
        body: { sku: 'BIG-3', name: 'Big', description: '', price: { amount: 1 }, stock: 2 ** 53 },
        field: '/stock',
      },
      {
        method: 'POST',
        url: `/api/v1/products/${productId}/inventory-adjustments`,
        who: 'admin',
        body: { delta: -(2 ** 63), reason: 'Loss' },
        field: '/delta',
      },
      {
        method: 'POST',
        url: '/api/v1/cart/items',
        who: 'customer',
        body: { productId, quantity: 1e20 },
        field: '/quantity',
      },
      {
        method: 'PUT',
        url: `/api/v1/cart/items/${productId}`,
        who: 'customer',
        body: { quantity: 2 ** 31 },
        field: '/quantity',
      },
      {
        method: 'GET',
        url: '/api/v1/products?minPrice=99999999999999999999',
        who: 'anyone',
        field: '/querystring/minPrice',
      },
      { method: 'GET', url: '/api/v1/products?limit=1e300', who: 'anyone', field: '/querystring/limit' },
      { method: 'GET', url: '/api/v1/orders?limit=9223372036854775808', who: 'customer', field: '/querystring/limit' },
    ];
    const before = await snapshot();
    for (const probe of probes) expectFieldNamed(await send(probe), probe.field);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses crafted cursors whose keys no column holds with 400 invalid_cursor naming the cursor', async () => {
    const id = 'prod_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b';
    const product = (sort: string, k: unknown, i: unknown = id) => cursorOf({ s: sort, k, i });
    const order = (t: unknown, i: unknown = 'ord_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b') => cursorOf({ t, i });
    const lists: [string, Who, string[]][] = [
      [
        '/api/v1/products?sort=newest',
        'anyone',
        [
          product('newest', '-100000-01-01T00:00:00.000Z'),
          product('newest', '+275760-09-13T00:00:00.000Z'),
          product('newest', '+275761-01-01T00:00:00.000Z'),
          product('newest', '2026-02-30T25:00:00Z'),
          product('newest', 1_700_000_000_000),
          product('newest', '2026-01-01T00:00:00.000Z', 'x\u0000'),
          product('newest', '2026-01-01T00:00:00.000Z', 'x\ud800'),
          product('newest', '2026-01-01T00:00:00.000Z', 7),
        ],
      ],
      [
        '/api/v1/products?sort=price_asc',
        'anyone',
        [
          product('price_asc', 2 ** 31),
          product('price_asc', 2 ** 63),
          product('price_asc', Number.MAX_SAFE_INTEGER),
          product('price_asc', -1),
          product('price_asc', 1.5),
          product('price_asc', '100'),
        ],
      ],
      ['/api/v1/products?sort=price_desc', 'anyone', [product('price_desc', 1e300), product('price_desc', null)]],
      [
        '/api/v1/products?q=kettle&sort=relevance',
        'anyone',
        [
          product('relevance', 1e300),
          product('relevance', 1e39),
          product('relevance', 1e-50),
          product('relevance', -0.5),
          product('relevance', '0.5'),
        ],
      ],
      [
        '/api/v1/orders',
        'customer',
        [
          order('-100000-01-01T00:00:00.000Z'),
          order('+275760-09-13T00:00:00.000Z'),
          order('10000-01-01T00:00:00.000Z'),
          order('2026-01-01T00:00:00.000Z', 'ord_\u0000'),
          order('2026-01-01T00:00:00.000Z', '\udfff'),
          order(12),
        ],
      ],
      [
        '/api/v1/admin/orders',
        'admin',
        [order('-100000-01-01T00:00:00.000Z'), order('2026-01-01T00:00:00.000Z', 'ord_\u0000')],
      ],
      ['/api/v1/notifications', 'customer', [Buffer.from('ntf_\u0000').toString('base64url'), cursorOf({ t: 1 })]],
    ];
    for (const [list, who, cursors] of lists) {
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
