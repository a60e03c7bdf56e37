import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser, unique } from './support/http.js';

describe.each(profiles)('catalog products (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let customer: TestUser;
  const category = unique('kitchen');

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

  beforeAll(async () => {
    app = await createTestApp(profile);
    admin = await createAdmin(app);
    customer = await registerUser(app, 'shopper');
    const res = await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug: category, name: 'Kitchen' },
    });
    expect(res.status, res.text).toBe(201);
  });
  afterAll(() => app?.close());

  it('creates a product in the shape of the API contract and reads it back', async () => {
    const sku = unique('KETTLE');
    const created = await newProduct({
      sku,
      categories: [category],
      stock: 7,
      price: { amount: 4999, currency: 'USD' },
    });
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.headers.location).toBe(`/api/v1/products/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.any(String),
      sku,
      name: 'Copper Kettle',
      description: 'Boils water on any hob.',
      price: { amount: 4999, currency: 'USD' },
      categories: [category],
      stock: { available: 7 },
      images: [],
      active: true,
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updatedAt: created.body.createdAt,
    });
    const read = await call(app, 'GET', `/api/v1/products/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('answers 404 for an unknown product', async () => {
    const res = await call(app, 'GET', '/api/v1/products/prod_nothing');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
  });

  it('refuses a second product with the same SKU', async () => {
    const sku = unique('DUP');
    await newProduct({ sku });
    const again = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: { sku, name: 'Other', description: '', price: { amount: 1 } },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('sku_taken');
  });

  it.each([
    ['an unknown property', { extra: true }, '/extra'],
    ['a negative price', { price: { amount: -1 } }, '/price/amount'],
    ['a fractional price', { price: { amount: 19.99 } }, '/price/amount'],
    ['a price sent as a string', { price: { amount: '1999' } }, '/price/amount'],
    ['a negative stock', { stock: -3 }, '/stock'],
    ['a category that is not a slug', { categories: ['Not A Slug'] }, '/categories/0'],
  ])('rejects %s with 400 validation_failed', async (_label, change, path) => {
    const res = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: { sku: unique('BAD'), name: 'Bad', description: 'Bad', price: { amount: 100 }, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('rejects a price in another currency and an unknown category with clear messages', async () => {
    const euro = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: { sku: unique('EUR'), name: 'Euro', description: '', price: { amount: 100, currency: 'EUR' } },
    });
    expect(euro.status).toBe(400);
    expect(euro.body.errors).toEqual([{ path: '/price/currency', message: 'must be USD' }]);

    const unknown = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: unique('CAT'),
        name: 'Cat',
        description: '',
        price: { amount: 100 },
        categories: [category, 'no-such-category'],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('no-such-category');
    expect(unknown.body.errors).toEqual([
      { path: '/categories/1', message: 'is not a known category: no-such-category' },
    ]);
  });

  it('keeps admin routes from anonymous callers (401) and customers (403)', async () => {
    const product = (await newProduct()).body;
    const attempts: [string, string, unknown][] = [
      ['POST', '/api/v1/products', { sku: unique('X'), name: 'X', description: '', price: { amount: 1 } }],
      ['PATCH', `/api/v1/products/${product.id}`, { name: 'Hacked' }],
      ['DELETE', `/api/v1/products/${product.id}`, undefined],
      ['POST', `/api/v1/products/${product.id}/inventory-adjustments`, { delta: 5, reason: 'found some' }],
      ['POST', '/api/v1/categories', { slug: unique('cat'), name: 'Cat' }],
    ];
    for (const [method, url, body] of attempts) {
      const anonymous = await call(app, method, url, { body });
      expect(anonymous.status, `${method} ${url}`).toBe(401);
      expect(anonymous.body.code).toBe('unauthorized');
      const shopper = await call(app, method, url, { body, token: customer.accessToken });
      expect(shopper.status, `${method} ${url}`).toBe(403);
      expect(shopper.body.code).toBe('forbidden');
    }
    const after = await call(app, 'GET', `/api/v1/products/${product.id}`);
    expect(after.body).toEqual(product);
  });

  it('patches only the fields sent, bumps the version and shows the change on the next read', async () => {
    const product = (await newProduct({ categories: [category] })).body;
    await call(app, 'GET', `/api/v1/products/${product.id}`);
    const patched = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      body: { name: 'Steel Kettle', price: { amount: 3999 }, categories: [] },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.headers['cache-control']).toBe('no-store');
    expect(patched.body).toMatchObject({
      name: 'Steel Kettle',
      description: product.description,
      price: { amount: 3999, currency: 'USD' },
      categories: [],
      version: 2,
    });
    const read = await call(app, 'GET', `/api/v1/products/${product.id}`);
    expect(read.body).toEqual(patched.body);

    const unchanged = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      body: { name: 'Steel Kettle' },
    });
    expect(unchanged.body.version).toBe(2);
    const empty = await call(app, 'PATCH', `/api/v1/products/${product.id}`, { token: admin.accessToken, body: {} });
    expect(empty.status).toBe(400);
    const missing = await call(app, 'PATCH', '/api/v1/products/prod_missing', {
      token: admin.accessToken,
      body: { name: 'X' },
    });
    expect(missing.status).toBe(404);
  });

  it('archives a product: hidden from reads and lists, kept, archiving again is harmless', async () => {
    const product = (await newProduct({ categories: [category] })).body;
    const listed = await call(app, 'GET', `/api/v1/products?category=${category}&limit=100`);
    expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(product.id);

    const archived = await call(app, 'DELETE', `/api/v1/products/${product.id}`, { token: admin.accessToken });
    expect(archived.status).toBe(204);
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).status).toBe(404);
    const after = await call(app, 'GET', `/api/v1/products?category=${category}&limit=100`);
    expect(after.body.items.map((p: { id: string }) => p.id)).not.toContain(product.id);
    expect((await call(app, 'DELETE', `/api/v1/products/${product.id}`, { token: admin.accessToken })).status).toBe(
      204,
    );
    expect((await call(app, 'DELETE', '/api/v1/products/prod_missing', { token: admin.accessToken })).status).toBe(404);

    const restored = await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      body: { active: true },
    });
    expect(restored.body).toMatchObject({ active: true, version: 3 });
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).status).toBe(200);
  });

  it('lists categories with their count of active products', async () => {
    const slug = unique('garden');
    const created = await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug, name: 'Garden' },
    });
    expect(created.body).toEqual({ slug, name: 'Garden', productCount: 0 });
    const taken = await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug, name: 'Garden again' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('category_taken');
    const badSlug = await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug: 'Big Garden', name: 'Garden' },
    });
    expect(badSlug.status).toBe(400);

    const count = async () => {
      const res = await call(app, 'GET', '/api/v1/categories');
      return res.body.items.find((c: { slug: string }) => c.slug === slug)?.productCount;
    };
    expect(await count()).toBe(0);
    const one = (await newProduct({ categories: [slug] })).body;
    await newProduct({ categories: [slug, category] });
    expect(await count()).toBe(2);
    await call(app, 'DELETE', `/api/v1/products/${one.id}`, { token: admin.accessToken });
    expect(await count()).toBe(1);
  });
});
