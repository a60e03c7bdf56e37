import { describe, expect, it } from 'vitest';
import type { CartService } from '../src/services/cart/cart-service.js';
import { profiles } from './support/infra.js';
import { call, registerUser } from './support/http.js';
import { usd } from './support/api-values.js';
import { cartShop } from './support/cart-shop.js';

describe.each(profiles)('cart (%s profile)', (profile) => {
  const shop = cartShop(profile);
  const { newProduct, cartOf, add, setQty } = shop;

  it('answers an empty cart when there is none, never cached', async () => {
    const user = await registerUser(shop.app);
    const res = await cartOf(user);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ items: [], subtotal: usd(0), itemCount: 0, updatedAt: null });
  });

  it('adds, merges lines, sets, removes and empties, in the shape of the contract', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct(1500);
    const pot = await newProduct(2250);

    const first = await add(user, mug.id, 2);
    expect(first.status, first.text).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).toEqual({
      items: [
        { productId: mug.id, sku: mug.sku, name: mug.name, unitPrice: usd(1500), quantity: 2, lineTotal: usd(3000) },
      ],
      subtotal: usd(3000),
      itemCount: 2,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
    await add(user, pot.id, 1);
    const merged = await add(user, mug.id, 3);
    expect(merged.body.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).toEqual([
      [mug.id, 5],
      [pot.id, 1],
    ]);
    expect(merged.body).toMatchObject({ subtotal: usd(5 * 1500 + 2250), itemCount: 6 });
    expect((await cartOf(user)).body).toEqual(merged.body);

    const set = await setQty(user, pot.id, 4);
    expect(set.status).toBe(200);
    expect(set.body.items[1]).toMatchObject({ productId: pot.id, quantity: 4, lineTotal: usd(9000) });
    const zero = await setQty(user, mug.id, 0);
    expect(zero.body.items.map((i: { productId: string }) => i.productId)).toEqual([pot.id]);
    expect((await setQty(user, mug.id, 0)).status).toBe(200);

    const removed = await call(shop.app, 'DELETE', `/api/v1/cart/items/${pot.id}`, { token: user.accessToken });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ items: [], itemCount: 0, subtotal: usd(0) });
    const again = await call(shop.app, 'DELETE', `/api/v1/cart/items/${pot.id}`, { token: user.accessToken });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('not_found');

    await add(user, mug.id, 1);
    const cleared = await call(shop.app, 'DELETE', '/api/v1/cart', { token: user.accessToken });
    expect(cleared.status).toBe(204);
    expect(cleared.text).toBe('');
    expect((await cartOf(user)).body).toEqual({ items: [], subtotal: usd(0), itemCount: 0, updatedAt: null });
  });

  it('adds a product with PUT when it is on sale, and refuses one that is not', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    expect((await setQty(user, mug.id, 3)).body.items).toMatchObject([{ productId: mug.id, quantity: 3 }]);
    const unknown = await setQty(user, 'prod_nothing', 1);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('product_not_found');
  });

  it('answers 404 product_not_found for unknown and archived products', async () => {
    const user = await registerUser(shop.app);
    const unknown = await add(user, 'prod_nothing', 1);
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unknown.body.code).toBe('product_not_found');

    const archived = await newProduct();
    await call(shop.app, 'DELETE', `/api/v1/products/${archived.id}`, { token: shop.admin.accessToken });
    expect((await add(user, archived.id, 1)).body.code).toBe('product_not_found');
    expect((await cartOf(user)).body.items).toEqual([]);
  });

  it('stays 404 for an unknown product asked for again beside products the catalog knows', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    await add(user, mug.id, 1);
    for (let i = 0; i < 2; i += 1) expect((await add(user, 'prod_nothing', 1)).body.code).toBe('product_not_found');
    expect((await cartOf(user)).body.items).toMatchObject([{ productId: mug.id, quantity: 1 }]);
  });

  it('hides a line whose product gets archived, leaves it out of checkout and drops it at the next change', async () => {
    const user = await registerUser(shop.app);
    const kept = await newProduct(100);
    const archived = await newProduct(200);
    await add(user, archived.id, 1);
    await add(user, kept.id, 2);
    await call(shop.app, 'DELETE', `/api/v1/products/${archived.id}`, { token: shop.admin.accessToken });

    const cart = await cartOf(user);
    expect(cart.body).toMatchObject({ items: [{ productId: kept.id, quantity: 2 }], subtotal: usd(200), itemCount: 2 });
    const carts = (shop.app.services.get('cart') as CartService).carts;
    expect((await carts.linesOf(user.id)).items).toEqual([{ productId: kept.id, quantity: 2 }]);

    await call(shop.app, 'PATCH', `/api/v1/products/${archived.id}`, {
      token: shop.admin.accessToken,
      body: { active: true },
    });
    expect((await cartOf(user)).body.items).toHaveLength(2);
    await call(shop.app, 'DELETE', `/api/v1/products/${archived.id}`, { token: shop.admin.accessToken });
    await add(user, kept.id, 1);
    await call(shop.app, 'PATCH', `/api/v1/products/${archived.id}`, {
      token: shop.admin.accessToken,
      body: { active: true },
    });
    expect((await cartOf(user)).body.items).toMatchObject([{ productId: kept.id, quantity: 3 }]);
  });

  it('shows current catalog prices', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct(1000);
    await add(user, mug.id, 3);
    expect((await cartOf(user)).body.items[0]).toMatchObject({ unitPrice: usd(1000) });
    const patched = await call(shop.app, 'PATCH', `/api/v1/products/${mug.id}`, {
      token: shop.admin.accessToken,
      body: { price: { amount: 1200 }, name: 'Big Mug' },
    });
    expect(patched.status, patched.text).toBe(200);
    const cart = await cartOf(user);
    expect(cart.body.items[0]).toMatchObject({ name: 'Big Mug', unitPrice: usd(1200), lineTotal: usd(3600) });
    expect(cart.body.subtotal).toEqual(usd(3600));
  });

  it.each([
    ['a quantity of 0', { quantity: 0 }, '/quantity'],
    ['a quantity of 100', { quantity: 100 }, '/quantity'],
    ['a fractional quantity', { quantity: 1.5 }, '/quantity'],
    ['a quantity sent as a string', { quantity: '2' }, '/quantity'],
    ['no productId', { productId: undefined }, '/productId'],
    ['an unknown property', { price: 1 }, '/price'],
  ])('rejects adding with %s (400 validation_failed)', async (_label, change, path) => {
    const user = await registerUser(shop.app);
    const res = await call(shop.app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId: 'prod_x', quantity: 1, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('rejects a PUT outside 0..99 and keeps a line at 99 units at most', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    for (const quantity of [-1, 100]) expect((await setQty(user, mug.id, quantity)).status).toBe(400);
    expect((await add(user, mug.id, 90)).status).toBe(200);
    const over = await add(user, mug.id, 10);
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 'validation_failed', maxQuantity: 99, errors: [{ path: '/quantity' }] });
    expect((await add(user, mug.id, 9)).body.items[0].quantity).toBe(99);
  });

  it('requires a signed-in user (401) on every cart route', async () => {
    const attempts: [string, string, unknown][] = [
      ['GET', '/api/v1/cart', undefined],
      ['POST', '/api/v1/cart/items', { productId: 'prod_x', quantity: 1 }],
      ['PUT', '/api/v1/cart/items/prod_x', { quantity: 1 }],
      ['DELETE', '/api/v1/cart/items/prod_x', undefined],
      ['DELETE', '/api/v1/cart', undefined],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(shop.app, method, url, { body });
      expect(res.status, `${method} ${url}`).toBe(401);
      expect(res.body.code).toBe('unauthorized');
      const bad = await call(shop.app, method, url, { body, token: 'not.a.token' });
      expect(bad.status, `${method} ${url}`).toBe(401);
    }
  });

  it("keeps each user's cart to that user", async () => {
    const alice = await registerUser(shop.app, 'alice');
    const bob = await registerUser(shop.app, 'bob');
    const mug = await newProduct();
    await add(alice, mug.id, 2);
    expect((await cartOf(bob)).body.items).toEqual([]);
    const bobRemoves = await call(shop.app, 'DELETE', `/api/v1/cart/items/${mug.id}`, { token: bob.accessToken });
    expect(bobRemoves.status).toBe(404);
    await call(shop.app, 'DELETE', '/api/v1/cart', { token: bob.accessToken });
    expect((await cartOf(alice)).body.items).toMatchObject([{ productId: mug.id, quantity: 2 }]);
  });

  it('loses no update when one cart gets many adds at once', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    const pot = await newProduct();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => add(user, i % 2 === 0 ? mug.id : pot.id, 1)),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const cart = await cartOf(user);
    expect(cart.body.items.map((i: { quantity: number }) => i.quantity)).toEqual([12, 12]);
    expect(cart.body.itemCount).toBe(24);
  });

  it('expires 30 days after the last change', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    await add(user, mug.id, 1);
    const ttl = await shop.app.infrastructure.kv.ttl(`cart:${user.id}`);
    expect(ttl).toBeGreaterThan(30 * 24 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3_600_000);
  });
});
