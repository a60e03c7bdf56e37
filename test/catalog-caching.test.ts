import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser, unique } from './support/http.js';

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

describe.each(layouts)('catalog HTTP caching and preconditions (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;

  const newProduct = async (body: Record<string, unknown> = {}) => {
    const res = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: unique('SKU'),
        name: 'Copper Kettle',
        description: 'Boils water on any hob.',
        price: { amount: 4999 },
        ...body,
      },
    });
    expect(res.status, res.text).toBe(201);
    return res;
  };

  /** The cart's lookups of product facts so far, as the catalog instances that cache and serve them count them. */
  const factLookups = async () => {
    const texts = await Promise.all(
      app.instancesServing('catalog').map((catalog) => catalog.metrics.registry.metrics()),
    );
    const count = (result: string) =>
      texts
        .map((text) =>
          text
            .split('\n')
            .find(
              (l) =>
                l.startsWith('emporium_cache_lookups_total{') &&
                l.includes('cache="product-facts"') &&
                l.includes(`result="${result}"`),
            ),
        )
        .reduce((sum, line) => sum + (line ? Number(line.split(' ').pop()) : 0), 0);
    return { hit: count('hit'), miss: count('miss') };
  };

  beforeAll(async () => {
    app = await createTestApp(profile, { config: { httpMaxAgeSeconds: 30, httpStaleSeconds: 60 } });
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  it('honours If-Match: 412 when the product changed since it was read', async () => {
    const product = (await newProduct()).body;
    const read = await call(app, 'GET', `/api/v1/products/${product.id}`);
    const etag = String(read.headers.etag);
    const first = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      headers: { 'if-match': etag },
      body: { description: 'First writer wins.' },
    });
    expect(first.status).toBe(200);
    expect(first.headers.etag).not.toBe(etag);
    const stale = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      headers: { 'if-match': etag },
      body: { description: 'Second writer loses.' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    const fresh = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      headers: { 'if-match': String(first.headers.etag) },
      body: { description: 'Second writer, after reading again.' },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.version).toBe(3);
  });

  it('sends ETag and Cache-Control on public reads and answers If-None-Match with 304', async () => {
    const product = (await newProduct()).body;
    for (const url of [`/api/v1/products/${product.id}`, '/api/v1/products?limit=3', '/api/v1/categories']) {
      const first = await call(app, 'GET', url);
      expect(first.status).toBe(200);
      expect(first.headers['cache-control']).toBe('public, max-age=30, stale-while-revalidate=60');
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      const again = await call(app, 'GET', url, { headers: { 'if-none-match': String(first.headers.etag) } });
      expect(again.status, url).toBe(304);
      expect(again.text).toBe('');
      expect(again.headers.etag).toBe(first.headers.etag);
      const other = await call(app, 'GET', url, { headers: { 'if-none-match': '"something-else"' } });
      expect(other.status).toBe(200);
    }
  });

  it('changes the ETag when the stock changes', async () => {
    const product = (await newProduct({ stock: 1 })).body;
    const before = await call(app, 'GET', `/api/v1/products/${product.id}`);
    await call(app, 'POST', `/api/v1/products/${product.id}/inventory-adjustments`, {
      token: admin.accessToken,
      body: { delta: 4, reason: 'Delivery' },
    });
    const after = await call(app, 'GET', `/api/v1/products/${product.id}`, {
      headers: { 'if-none-match': String(before.headers.etag) },
    });
    expect(after.status).toBe(200);
    expect(after.body.stock).toEqual({ available: 5 });
  });

  it("keeps the cart's product facts cached through stock changes and checkout", async () => {
    const user = await registerUser(app);
    const product = (await newProduct({ stock: 5 })).body;
    const addToCart = (quantity: number) =>
      call(app, 'POST', '/api/v1/cart/items', { token: user.accessToken, body: { productId: product.id, quantity } });
    expect((await addToCart(1)).status).toBe(200);
    const before = await factLookups();

    await call(app, 'POST', `/api/v1/products/${product.id}/inventory-adjustments`, {
      token: admin.accessToken,
      body: { delta: 2, reason: 'Delivery' },
    });
    const checkout = await call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
    });
    expect(checkout.status, checkout.text).toBe(202);
    const again = await addToCart(2);
    expect(again.body.items).toMatchObject([{ productId: product.id, unitPrice: { amount: 4999 }, quantity: 2 }]);

    const after = await factLookups();
    expect(after.miss).toBe(before.miss);
    expect(after.hit).toBeGreaterThan(before.hit);
  });

  it("reloads the cart's product facts after a change to them, and only then", async () => {
    const user = await registerUser(app);
    const product = (await newProduct()).body;
    const cart = async () => (await call(app, 'GET', '/api/v1/cart', { token: user.accessToken })).body;
    const patch = (body: object) =>
      call(app, 'PATCH', `/api/v1/products/${product.id}`, { token: admin.accessToken, body });
    await call(app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId: product.id, quantity: 1 },
    });
    const misses = async () => (await factLookups()).miss;
    const start = await misses();

    expect((await patch({ description: 'Not shown in the cart.' })).status).toBe(200);
    expect((await cart()).items).toMatchObject([{ name: 'Copper Kettle', unitPrice: { amount: 4999 } }]);
    expect(await misses()).toBe(start);

    expect((await patch({ price: { amount: 5999 } })).status).toBe(200);
    expect((await cart()).items).toMatchObject([{ name: 'Copper Kettle', unitPrice: { amount: 5999 } }]);
    expect((await patch({ name: 'Steel Kettle' })).status).toBe(200);
    expect((await cart()).items).toMatchObject([{ name: 'Steel Kettle', unitPrice: { amount: 5999 } }]);
    expect(await misses()).toBe(start + 2);

    expect((await call(app, 'DELETE', `/api/v1/products/${product.id}`, { token: admin.accessToken })).status).toBe(
      204,
    );
    expect((await cart()).items).toEqual([]);
    expect((await patch({ active: true })).status).toBe(200);
    expect((await cart()).items).toMatchObject([{ productId: product.id, name: 'Steel Kettle' }]);
  });
});
