/* eslint-disable max-lines -- one suite of the orders' behaviour on every profile */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { NewEvent } from '../src/contracts/events/envelope.js';
import { paymentFailed, paymentRefunded, paymentSucceeded } from '../src/contracts/events/payment-events.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser, createProduct } from './support/http.js';
import { eventually } from './support/eventually.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const address = { name: 'Grace Hopper', line1: '1 Navy Yard', city: 'Arlington', postalCode: '22202', country: 'US' };

interface PlacedOrder {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  [field: string]: unknown;
}

// Payments is left out: the tests publish its events themselves, as its relay would.
describe.each(layouts)('orders (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let product: { id: string };

  const newProduct = (stock: number, price = 1500) => createProduct(app, admin, stock, price, 'Kettle');
  const placeOrder = async (user: TestUser, productId = product.id, quantity = 1): Promise<PlacedOrder> => {
    const added = await call(app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId, quantity },
    });
    expect(added.status, added.text).toBe(200);
    const res = await call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status, res.text).toBe(202);
    // The cart empties on order.placed; wait for it so the next order starts from an empty cart.
    await eventually(async () =>
      (await call(app, 'GET', '/api/v1/cart', { token: user.accessToken })).body.items.length === 0 ? true : undefined,
    );
    return res.body.order;
  };
  const publish = (...events: NewEvent[]) =>
    app.infrastructure.bus.publish(
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        version: 1,
        occurredAt: new Date().toISOString(),
        data: e.data,
        traceparent: null,
      })),
    );
  const payment = (user: TestUser, order: PlacedOrder) => ({
    paymentId: `pay_${order.id}`,
    orderId: order.id,
    userId: user.id,
    amount: order.total,
  });
  const getOrder = (user: TestUser, id: string) =>
    call(app, 'GET', `/api/v1/orders/${id}`, { token: user.accessToken });
  const orderIn = (user: TestUser, id: string, status: string) =>
    eventually(async () => {
      const res = await getOrder(user, id);
      return res.body.status === status ? res.body : undefined;
    });
  const orderEvents = async (orderId: string) =>
    (
      await sql<{
        type: string;
        data: Record<string, unknown>;
      }>`select type, data from orders.outbox where data->>'orderId' = ${orderId} order by seq`.execute(
        app.infrastructure.db.root,
      )
    ).rows;
  const stockRow = async (id: string) =>
    (
      await sql<{
        on_hand: number;
        reserved: number;
      }>`select on_hand, reserved from catalog.inventory where product_id = ${id}`.execute(app.infrastructure.db.root)
    ).rows[0];
  const cancel = (user: TestUser, id: string) =>
    call(app, 'POST', `/api/v1/orders/${id}/cancel`, { token: user.accessToken });
  const ship = (id: string, token = admin.accessToken) =>
    call(app, 'POST', `/api/v1/admin/orders/${id}/ship`, {
      token,
      body: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
    });

  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['identity', 'catalog', 'cart', 'orders'] });
    admin = await createAdmin(app);
    product = await newProduct(1000);
  });
  afterAll(() => app?.close());

  it('confirms an order on payment.succeeded, once, whatever the redeliveries; the catalog commits its stock', async () => {
    const user = await registerUser(app);
    const kettle = await newProduct(5, 3000);
    const order = await placeOrder(user, kettle.id, 2);
    const paid = paymentSucceeded({ ...payment(user, order), attempts: 1 });
    const envelope = {
      id: randomUUID(),
      type: paid.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      data: paid.data,
      traceparent: null,
    };
    await app.infrastructure.bus.publish([envelope]);
    await app.infrastructure.bus.publish([envelope]);

    const confirmed = await orderIn(user, order.id, 'confirmed');
    expect(confirmed.payment).toEqual({ status: 'succeeded', attempts: 1 });
    expect(confirmed.history).toEqual([
      { status: 'pending_payment', at: isoTime },
      { status: 'confirmed', at: isoTime },
    ]);
    expect(confirmed.cancellationReason).toBeUndefined();
    // Another event with the same fact (a new id) changes nothing either, once orders has handled it.
    const again = { ...envelope, id: randomUUID() };
    await app.infrastructure.bus.publish([again]);
    await eventually(async () => ((await stockRow(kettle.id))?.reserved === 0 ? true : undefined));
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 3, reserved: 0 });
    await eventually(
      async () => {
        const handled = await sql<{
          n: number;
        }>`select count(*)::int as n from orders.inbox where event_id = ${again.id}`.execute(
          app.infrastructure.db.root,
        );
        return handled.rows[0]?.n === 1 ? true : undefined;
      },
      10_000,
      'the repeated payment.succeeded handled',
    );
    expect((await orderEvents(order.id)).map((e) => e.type)).toEqual(['order.placed', 'order.confirmed']);
    expect((await getOrder(user, order.id)).body.history).toHaveLength(2);
  });

  it('cancels an order on payment.failed (payment_declined) and the catalog releases its stock', async () => {
    const user = await registerUser(app);
    const kettle = await newProduct(4);
    const order = await placeOrder(user, kettle.id, 3);
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 4, reserved: 3 });
    await publish(paymentFailed({ ...payment(user, order), attempts: 1, reason: 'card_declined' }));

    const cancelled = await orderIn(user, order.id, 'cancelled');
    expect(cancelled).toMatchObject({
      cancellationReason: 'payment_declined',
      payment: { status: 'failed', attempts: 1 },
    });
    expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual(['pending_payment', 'cancelled']);
    const events = await orderEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
    expect(events[1]?.data).toMatchObject({
      reason: 'payment_declined',
      previousStatus: 'pending_payment',
      userId: user.id,
    });
    await eventually(async () => ((await stockRow(kettle.id))?.reserved === 0 ? true : undefined));
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 4, reserved: 0 });

    // A late success for an order already cancelled leaves it cancelled (payments refunds it).
    await publish(paymentSucceeded({ ...payment(user, order), attempts: 2 }));
    await eventually(async () =>
      (await getOrder(user, order.id)).body.payment.status === 'succeeded' ? true : undefined,
    );
    expect((await getOrder(user, order.id)).body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'payment_declined',
      payment: { attempts: 2 },
    });
    expect((await orderEvents(order.id)).map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
  });

  it('lets the customer cancel while pending or confirmed, never once shipped or cancelled (409 order_not_cancellable)', async () => {
    const user = await registerUser(app);
    const pending = await placeOrder(user);
    const res = await cancel(user, pending.id);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id: pending.id, status: 'cancelled', cancellationReason: 'customer_request' });
    const again = await cancel(user, pending.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('order_not_cancellable');

    const paid = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, paid), attempts: 1 }));
    await orderIn(user, paid.id, 'confirmed');
    const cancelledPaid = await cancel(user, paid.id);
    expect(cancelledPaid.status).toBe(200);
    expect(cancelledPaid.body.history.map((h: { status: string }) => h.status)).toEqual([
      'pending_payment',
      'confirmed',
      'cancelled',
    ]);
    const events = await orderEvents(paid.id);
    expect(events.at(-1)).toMatchObject({
      type: 'order.cancelled',
      data: { reason: 'customer_request', previousStatus: 'confirmed' },
    });
    // Payments refunds it and says so.
    await publish(paymentRefunded(payment(user, paid)));
    await eventually(async () =>
      (await getOrder(user, paid.id)).body.payment.status === 'refunded' ? true : undefined,
    );

    const shipped = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, shipped), attempts: 1 }));
    await orderIn(user, shipped.id, 'confirmed');
    expect((await ship(shipped.id)).status).toBe(200);
    const late = await cancel(user, shipped.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('order_not_cancellable');

    expect((await cancel(user, 'ord_unknown')).status).toBe(404);
  });

  it('lets admins list orders by status and ship confirmed ones (409 order_not_shippable otherwise)', async () => {
    const user = await registerUser(app);
    const waiting = await placeOrder(user);
    const paid = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, paid), attempts: 1 }));
    await orderIn(user, paid.id, 'confirmed');

    const notYet = await ship(waiting.id);
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('order_not_shippable');
    expect((await ship('ord_unknown')).status).toBe(404);
    const bad = await call(app, 'POST', `/api/v1/admin/orders/${paid.id}/ship`, {
      token: admin.accessToken,
      body: { carrier: 'DHL' },
    });
    expect(bad.status).toBe(400);

    const confirmedList = await call(app, 'GET', '/api/v1/admin/orders?status=confirmed&limit=100', {
      token: admin.accessToken,
    });
    expect(confirmedList.status).toBe(200);
    expect(confirmedList.headers['cache-control']).toBe('no-store');
    expect(confirmedList.body.items.every((o: { status: string }) => o.status === 'confirmed')).toBe(true);
    expect(confirmedList.body.items.find((o: { id: string }) => o.id === paid.id)).toMatchObject({ userId: user.id });
    const pendingList = await call(app, 'GET', '/api/v1/admin/orders?status=pending_payment&limit=100', {
      token: admin.accessToken,
    });
    expect(pendingList.body.items.map((o: { id: string }) => o.id)).toContain(waiting.id);
    expect(pendingList.body.items.map((o: { id: string }) => o.id)).not.toContain(paid.id);
    expect((await call(app, 'GET', '/api/v1/admin/orders?status=lost', { token: admin.accessToken })).status).toBe(400);

    const shipped = await ship(paid.id);
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body).toMatchObject({
      id: paid.id,
      status: 'shipped',
      userId: user.id,
      shipment: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
    });
    expect(shipped.body.history.map((h: { status: string }) => h.status)).toEqual([
      'pending_payment',
      'confirmed',
      'shipped',
    ]);
    expect((await orderEvents(paid.id)).at(-1)).toMatchObject({
      type: 'order.shipped',
      data: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
    });
    expect((await getOrder(user, paid.id)).body).toMatchObject({ status: 'shipped', shipment: { carrier: 'DHL' } });
    expect((await ship(paid.id)).status).toBe(409);
    const shippedList = await call(app, 'GET', '/api/v1/admin/orders?status=shipped&limit=100', {
      token: admin.accessToken,
    });
    expect(shippedList.body.items.map((o: { id: string }) => o.id)).toContain(paid.id);
  });

  it('keeps admin routes from customers (403) and anonymous callers (401)', async () => {
    const user = await registerUser(app);
    const order = await placeOrder(user);
    expect((await call(app, 'GET', '/api/v1/admin/orders', { token: user.accessToken })).status).toBe(403);
    const shipAttempt = await ship(order.id, user.accessToken);
    expect(shipAttempt.status).toBe(403);
    expect(shipAttempt.body.code).toBe('forbidden');
    expect((await call(app, 'GET', '/api/v1/admin/orders')).status).toBe(401);
    expect((await call(app, 'GET', '/api/v1/orders')).status).toBe(401);
    expect((await call(app, 'GET', `/api/v1/orders/${order.id}`)).status).toBe(401);
  });

  it('never shows or changes another user’s orders (404)', async () => {
    const alice = await registerUser(app, 'alice');
    const bob = await registerUser(app, 'bob');
    const hers = await placeOrder(alice);
    const his = await placeOrder(bob);

    const peek = await getOrder(bob, hers.id);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('not_found');
    expect(peek.text).not.toContain(alice.id);
    expect((await cancel(bob, hers.id)).status).toBe(404);
    expect((await getOrder(alice, hers.id)).body.status).toBe('pending_payment');

    const bobs = await call(app, 'GET', '/api/v1/orders?limit=100', { token: bob.accessToken });
    expect(bobs.body.items.map((o: { id: string }) => o.id)).toEqual([his.id]);
    const alices = await call(app, 'GET', '/api/v1/orders?limit=100', { token: alice.accessToken });
    expect(alices.body.items.map((o: { id: string }) => o.id)).toEqual([hers.id]);
    expect(alices.body.items[0]).not.toHaveProperty('userId');
  });

  it('pages through a customer’s orders newest first, stable while new orders arrive', async () => {
    const user = await registerUser(app);
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) placed.push((await placeOrder(user)).id);
    const newestFirst = [...placed].reverse();

    const list = (query: string) => call(app, 'GET', `/api/v1/orders?${query}`, { token: user.accessToken });
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

    const adminPage = await call(app, 'GET', '/api/v1/admin/orders?limit=3', { token: admin.accessToken });
    expect(adminPage.body.items).toHaveLength(3);
    const adminNext = await call(app, 'GET', `/api/v1/admin/orders?limit=3&cursor=${adminPage.body.nextCursor}`, {
      token: admin.accessToken,
    });
    const ids = [...adminPage.body.items, ...adminNext.body.items].map((o: { id: string }) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...adminPage.body.items, ...adminNext.body.items].map((o: { createdAt: string }) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('shows the order to its customer with no-store and in the shape of the contract', async () => {
    const user = await registerUser(app);
    const order = await placeOrder(user);
    const res = await getOrder(user, order.id);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      id: order.id,
      status: 'pending_payment',
      items: [
        expect.objectContaining({ productId: product.id, unitPrice: usd(1500), quantity: 1, lineTotal: usd(1500) }),
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
