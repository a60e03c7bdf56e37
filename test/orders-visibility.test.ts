import { describe, expect, it } from 'vitest';
import { layouts } from './support/infra.js';
import { call, registerUser } from './support/http.js';
import { isoTime, usd } from './support/api-values.js';
import { address, ordersShop } from './support/orders-shop.js';

describe.each(layouts)('orders (%s profile)', (profile) => {
  const shop = ordersShop(profile);
  const { placeOrder, getOrder, cancel, ship } = shop;

  it('keeps admin routes from customers (403) and anonymous callers (401)', async () => {
    const user = await registerUser(shop.app);
    const order = await placeOrder(user);
    expect((await call(shop.app, 'GET', '/api/v1/admin/orders', { token: user.accessToken })).status).toBe(403);
    const shipAttempt = await ship(order.id, user.accessToken);
    expect(shipAttempt.status).toBe(403);
    expect(shipAttempt.body.code).toBe('forbidden');
    expect((await call(shop.app, 'GET', '/api/v1/admin/orders')).status).toBe(401);
    expect((await call(shop.app, 'GET', '/api/v1/orders')).status).toBe(401);
    expect((await call(shop.app, 'GET', `/api/v1/orders/${order.id}`)).status).toBe(401);
  });

  it('never shows or changes another user’s orders (404)', async () => {
    const alice = await registerUser(shop.app, 'alice');
    const bob = await registerUser(shop.app, 'bob');
    const hers = await placeOrder(alice);
    const his = await placeOrder(bob);

    const peek = await getOrder(bob, hers.id);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('not_found');
    expect(peek.text).not.toContain(alice.id);
    expect((await cancel(bob, hers.id)).status).toBe(404);
    expect((await getOrder(alice, hers.id)).body.status).toBe('pending_payment');

    const bobs = await call(shop.app, 'GET', '/api/v1/orders?limit=100', { token: bob.accessToken });
    expect(bobs.body.items.map((o: { id: string }) => o.id)).toEqual([his.id]);
    const alices = await call(shop.app, 'GET', '/api/v1/orders?limit=100', { token: alice.accessToken });
    expect(alices.body.items.map((o: { id: string }) => o.id)).toEqual([hers.id]);
    expect(alices.body.items[0]).not.toHaveProperty('userId');
  });

  it('pages through a customer’s orders newest first, stable while new orders arrive', async () => {
    const user = await registerUser(shop.app);
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) placed.push((await placeOrder(user)).id);
    const newestFirst = [...placed].reverse();

    const list = (query: string) => call(shop.app, 'GET', `/api/v1/orders?${query}`, { token: user.accessToken });
    const first = await list('limit=2');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));

    // An order placed between pages does not shift the next page.
    const newer = await placeOrder(user);
    const second = await list(`limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((o: { id: string }) => o.id)).toEqual(newestFirst.slice(2, 4));
    const third = await list(`limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((o: { id: string }) => o.id)).toEqual(newestFirst.slice(4));
    expect(third.body.nextCursor).toBeNull();

    const all = await list('');
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([newer.id, ...newestFirst]);
    expect(all.body.nextCursor).toBeNull();
    for (const bad of ['limit=0', 'limit=101', 'cursor=not-a-cursor', 'colour=red']) {
      const res = await list(bad);
      expect(res.status, bad).toBe(400);
    }
    expect((await list('cursor=not-a-cursor')).body.code).toBe('invalid_cursor');

    const adminPage = await call(shop.app, 'GET', '/api/v1/admin/orders?limit=3', { token: shop.admin.accessToken });
    expect(adminPage.body.items).toHaveLength(3);
    const adminNext = await call(shop.app, 'GET', `/api/v1/admin/orders?limit=3&cursor=${adminPage.body.nextCursor}`, {
      token: shop.admin.accessToken,
    });
    const ids = [...adminPage.body.items, ...adminNext.body.items].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...adminPage.body.items, ...adminNext.body.items].map((o: { createdAt: string }) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('shows the order to its customer with no-store and in the shape of the contract', async () => {
    const user = await registerUser(shop.app);
    const order = await placeOrder(user);
    const res = await getOrder(user, order.id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      id: order.id,
      status: 'pending_payment',
      items: [
        expect.objectContaining({
          productId: shop.product.id,
          unitPrice: usd(1500),
          quantity: 1,
          lineTotal: usd(1500),
        }),
      ],
      total: usd(1500),
      shippingAddress: address,
      payment: { status: 'pending', attempts: 0 },
      createdAt: isoTime,
      updatedAt: isoTime,
      history: [{ status: 'pending_payment', at: isoTime }],
    });
    expect((await getOrder(user, 'ord_unknown')).status).toBe(404);
  });
});
