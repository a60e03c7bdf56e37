import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { layouts } from './support/infra.js';
import { createTestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser, createProduct } from './support/http.js';
import { eventually } from './support/eventually.js';
import { address, isoTime, usd } from './support/api-values.js';
import { checkoutBody, checkoutShop, expectReplayOf } from './support/checkout-shop.js';

describe.each(layouts)('checkout (%s profile)', (profile) => {
  const shop = checkoutShop(profile);
  const { newProduct, addToCart, checkout, available, stockRow, ordersOf, reservationCount, orderCount } = shop;

  it('places the order at catalog prices (202), reserves its stock, publishes order.placed and empties the cart', async () => {
    const user = await registerUser(shop.app);
    const lamp = await newProduct(5, 1999);
    const bulb = await newProduct(9, 250);
    await addToCart(user, lamp.id, 2);
    await addToCart(user, bulb.id, 3);
    // The price changes after the cart was filled: the order takes the catalog's price of the moment.
    const repriced = await call(shop.app, 'PATCH', `/api/v1/products/${lamp.id}`, {
      token: shop.admin.accessToken,
      body: { price: { amount: 2100 } },
    });
    expect(repriced.status, repriced.text).toBe(200);

    const res = await checkout(user, randomUUID(), {
      shippingAddress: { ...address, line2: 'Flat 3' },
      payment: { token: 'tok_visa' },
    });
    expect(res.status, res.text).toBe(202);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const { order } = res.body;
    expect(res.headers.location).toBe(`/api/v1/orders/${order.id}`);
    expect(res.body).toEqual({
      order: {
        id: expect.stringMatching(/^ord_[0-9a-f]{32}$/),
        status: 'pending_payment',
        items: expect.arrayContaining([
          {
            productId: lamp.id,
            sku: lamp.sku,
            name: lamp.name,
            unitPrice: usd(2100),
            quantity: 2,
            lineTotal: usd(4200),
          },
          { productId: bulb.id, sku: bulb.sku, name: bulb.name, unitPrice: usd(250), quantity: 3, lineTotal: usd(750) },
        ]),
        total: usd(4950),
        shippingAddress: { ...address, line2: 'Flat 3' },
        payment: { status: 'pending', attempts: 0 },
        createdAt: isoTime,
        updatedAt: isoTime,
        history: [{ status: 'pending_payment', at: isoTime }],
      },
    });
    expect(order.items).toHaveLength(2);

    expect(await available(lamp.id)).toBe(3);
    expect(await available(bulb.id)).toBe(6);
    const fetched = await call(shop.app, 'GET', `/api/v1/orders/${order.id}`, { token: user.accessToken });
    expect(fetched.body).toEqual(order);

    const placed = await sql<{
      type: string;
      data: { orderId: string; userId: string; payment: { token: string }; total: unknown; items: unknown[] };
    }>`
      select type, data from orders.outbox where data->>'orderId' = ${order.id}`.execute(
      shop.app.infrastructure.db.root,
    );
    expect(placed.rows).toHaveLength(1);
    expect(placed.rows[0]).toMatchObject({
      type: 'order.placed',
      data: { orderId: order.id, userId: user.id, payment: { token: 'tok_visa' }, total: usd(4950) },
    });
    expect(placed.rows[0]?.data.items).toHaveLength(2);

    // Emptied before the answer, not when order.placed reaches the cart.
    const cart = await call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken });
    expect(cart.body.items).toEqual([]);
  });

  it('takes only the order out of the cart when order.placed arrives after the customer added or cleared lines', async () => {
    // Relays and consumers start only once both customers changed their carts after checkout.
    const paused = await createTestApp(profile, {
      services: ['identity', 'catalog', 'cart', 'orders'],
      background: false,
    });
    try {
      const lamp = await createProduct(paused, await createAdmin(paused), 10, 1250, 'Lamp');
      const [adder, clearer] = [await registerUser(paused), await registerUser(paused)];
      const post = (user: TestUser, url: string, body: unknown, headers = {}) =>
        call(paused, 'POST', url, { token: user.accessToken, body, headers });
      const cartOf = async (user: TestUser) =>
        (await call(paused, 'GET', '/api/v1/cart', { token: user.accessToken })).body.items as { quantity: number }[];
      const orders: string[] = [];
      for (const user of [adder, clearer]) {
        expect((await post(user, '/api/v1/cart/items', { productId: lamp.id, quantity: 2 })).status).toBe(200);
        const placed = await post(user, '/api/v1/checkout', checkoutBody(), { 'idempotency-key': randomUUID() });
        expect(placed.status, placed.text).toBe(202);
        orders.push(placed.body.order.id);
        expect(await cartOf(user)).toEqual([]);
      }
      await post(adder, '/api/v1/cart/items', { productId: lamp.id, quantity: 1 });
      await post(clearer, '/api/v1/cart/items', { productId: lamp.id, quantity: 3 });
      expect((await call(paused, 'DELETE', '/api/v1/cart', { token: clearer.accessToken })).status).toBe(204);
      await post(clearer, '/api/v1/cart/items', { productId: lamp.id, quantity: 2 });

      await paused.startBackground();
      const db = paused.infrastructure.db.root;
      await eventually(async () => {
        const handled = await sql<{ n: string }>`
          select count(*) as n from cart.inbox where event_id in (select id from orders.outbox where data->>'orderId' in (${orders[0]}, ${orders[1]}))`.execute(
          db,
        );
        return Number(handled.rows[0]?.n) === 2 ? true : undefined;
      });
      expect(await cartOf(adder)).toMatchObject([{ productId: lamp.id, quantity: 1 }]);
      expect(await cartOf(clearer)).toMatchObject([{ productId: lamp.id, quantity: 2 }]);
      const second = await post(adder, '/api/v1/checkout', checkoutBody(), { 'idempotency-key': randomUUID() });
      expect(second.body.order.items).toMatchObject([{ productId: lamp.id, quantity: 1 }]);
    } finally {
      await paused.close();
    }
  });

  it('refuses an empty cart (422 cart_empty) and stores that answer with the key', async () => {
    const user = await registerUser(shop.app);
    const key = randomUUID();
    const res = await checkout(user, key);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'cart_empty', status: 422 });

    expectReplayOf(await checkout(user, key), res);
  });

  it('refuses stock that is short (409 insufficient_stock) naming the short lines, and reserves nothing', async () => {
    const user = await registerUser(shop.app);
    const plenty = await newProduct(10);
    const scarce = await newProduct(2);
    await addToCart(user, plenty.id, 4);
    await addToCart(user, scarce.id, 3);

    const key = randomUUID();
    const res = await checkout(user, key);
    expect(res.status, res.text).toBe(409);
    expect(res.body).toMatchObject({
      code: 'insufficient_stock',
      shortages: [{ productId: scarce.id, requested: 3, available: 2 }],
    });
    expect(await stockRow(plenty.id)).toEqual({ on_hand: 10, reserved: 0 });
    expect(await stockRow(scarce.id)).toEqual({ on_hand: 2, reserved: 0 });
    expect(await ordersOf(user)).toEqual([]);

    // Kept with the key like Stripe does: a retry with the same key sees the same refusal even
    // after a restock; a new attempt takes a new key.
    await call(shop.app, 'POST', `/api/v1/products/${scarce.id}/inventory-adjustments`, {
      token: shop.admin.accessToken,
      body: { delta: 5, reason: 'Restock' },
    });
    expectReplayOf(await checkout(user, key), res);
    const fresh = await checkout(user, randomUUID());
    expect(fresh.status, fresh.text).toBe(202);
  });

  it('refuses a total above the largest amount the shop can charge (422 order_total_too_large), reserving nothing', async () => {
    const user = await registerUser(shop.app);
    // The dearest price the catalog takes, 99 times: 990,000,000.00, far above what an order can hold.
    const dear = await newProduct(200, 1_000_000_000);
    const rest = await newProduct(200, 147_483_647);
    await addToCart(user, dear.id, 99);
    await addToCart(user, rest.id, 1);
    const cart = await call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken });
    expect(cart.status, cart.text).toBe(200);
    expect(cart.body).toMatchObject({
      items: [
        { productId: dear.id, quantity: 99, lineTotal: usd(99_000_000_000) },
        { productId: rest.id, quantity: 1, lineTotal: usd(147_483_647) },
      ],
      subtotal: usd(99_147_483_647),
    });

    const key = randomUUID();
    const res = await checkout(user, key);
    expect(res.status, res.text).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'order_total_too_large',
      status: 422,
      total: usd(99_147_483_647),
      maximum: usd(2_147_483_647),
    });
    expect(res.body.detail).toContain('$21,474,836.47');
    expect(await stockRow(dear.id)).toEqual({ on_hand: 200, reserved: 0 });
    expect(await stockRow(rest.id)).toEqual({ on_hand: 200, reserved: 0 });
    // Not even a reservation given back at once: nothing held, nothing announced.
    expect(await reservationCount([dear.id, rest.id])).toBe(0);
    expect(await orderCount(user.id)).toBe(0);
    expect((await call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken })).body).toEqual(cart.body);

    expectReplayOf(await checkout(user, key), res);

    // A total of exactly the maximum is ordered.
    expect(
      (await call(shop.app, 'PUT', `/api/v1/cart/items/${dear.id}`, { token: user.accessToken, body: { quantity: 2 } }))
        .status,
    ).toBe(200);
    const placed = await checkout(user, randomUUID());
    expect(placed.status, placed.text).toBe(202);
    expect(placed.body.order.total).toEqual(usd(2_147_483_647));
  });

  it('never oversells: 40 customers, 10 in stock, exactly 10 orders', async () => {
    const product = await newProduct(10, 999);
    const users = await Promise.all(Array.from({ length: 40 }, (_, i) => registerUser(shop.app, `rush${i}`)));
    for (const user of users) await addToCart(user, product.id, 1);

    const answers = await Promise.all(users.map((user) => checkout(user)));

    expect(answers.filter((a) => a.status === 202)).toHaveLength(10);
    const refused = answers.filter((a) => a.status === 409);
    expect(refused).toHaveLength(30);
    for (const r of refused)
      expect(r.body).toMatchObject({
        code: 'insufficient_stock',
        shortages: [{ productId: product.id, requested: 1, available: 0 }],
      });
    expect(await available(product.id)).toBe(0);
    expect(await stockRow(product.id)).toEqual({ on_hand: 10, reserved: 10 });
  });
});
