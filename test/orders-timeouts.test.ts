import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { profiles } from './support/infra.js';
import { createFakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser, createProduct } from './support/http.js';

const address = {
  name: 'Alan Turing',
  line1: 'Bletchley Park',
  city: 'Milton Keynes',
  postalCode: 'MK3 6EB',
  country: 'GB',
};

// A clock the tests move, and no background work: the tests run the jobs themselves, as the timers would.
describe.each(profiles)('order timeouts and the crash window (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  const clock = createFakeClock();
  const paymentTimeoutSeconds = 900;
  const reservationTtlSeconds = 1_200;

  const newProduct = (stock: number) => createProduct(app, admin, stock, 4200, 'Kettle');
  const placeOrder = async (user: TestUser, productId: string) => {
    await call(app, 'POST', '/api/v1/cart/items', { token: user.accessToken, body: { productId, quantity: 1 } });
    const res = await call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status, res.text).toBe(202);
    // No consumers run here, so the cart is not emptied by order.placed: empty it by hand.
    await call(app, 'DELETE', '/api/v1/cart', { token: user.accessToken });
    return res.body.order as { id: string };
  };
  const runJob = async (service: 'orders' | 'catalog', name: string) => {
    const job = app.services.get(service)?.jobs?.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name} in ${service}`);
    await job.run();
  };
  const available = async (id: string) =>
    (await call(app, 'GET', `/api/v1/products/${id}`)).body.stock.available as number;

  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity', 'catalog', 'cart', 'orders'],
      config: { paymentTimeoutSeconds, reservationTtlSeconds },
      clock,
      background: false,
    });
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  it('cancels an order left waiting for its payment past the timeout (payment_timeout), and only such orders', async () => {
    const user = await registerUser(app);
    const kettle = await newProduct(5);
    const stale = await placeOrder(user, kettle.id);
    clock.advance(paymentTimeoutSeconds * 1000 + 1);
    const fresh = await placeOrder(user, kettle.id);

    await runJob('orders', 'cancel-unpaid-orders');
    const cancelled = await call(app, 'GET', `/api/v1/orders/${stale.id}`, { token: user.accessToken });
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'payment_timeout',
      payment: { status: 'pending' },
    });
    expect(cancelled.body.history.map((h: { status: string }) => h.status)).toEqual(['pending_payment', 'cancelled']);
    expect((await call(app, 'GET', `/api/v1/orders/${fresh.id}`, { token: user.accessToken })).body.status).toBe(
      'pending_payment',
    );

    const events = await sql<{ type: string; data: Record<string, unknown> }>`
      select type, data from orders.outbox where data->>'orderId' = ${stale.id} order by seq`.execute(
      app.infrastructure.db.root,
    );
    expect(events.rows.map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
    expect(events.rows[1]?.data).toMatchObject({ reason: 'payment_timeout', previousStatus: 'pending_payment' });

    // Running again (another instance, the next tick) cancels nothing twice.
    await runJob('orders', 'cancel-unpaid-orders');
    const again = await sql<{
      n: number;
    }>`select count(*)::int as n from orders.outbox where data->>'orderId' = ${stale.id}`.execute(
      app.infrastructure.db.root,
    );
    expect(again.rows[0]?.n).toBe(2);
  });

  it('releases a reservation whose order was never written (a crash between the two steps)', async () => {
    const kettle = await newProduct(3);
    const catalog = app.services.get('catalog') as CatalogService;
    const orphan = `ord_${randomBytes(16).toString('hex')}`;
    const reserved = await catalog.inventory.reserve(orphan, [{ productId: kettle.id, quantity: 2 }]);
    expect(reserved.ok).toBe(true);
    expect(await available(kettle.id)).toBe(1);

    await runJob('catalog', 'release-expired-reservations');
    expect(await available(kettle.id)).toBe(1);
    clock.advance(reservationTtlSeconds * 1000);
    await runJob('catalog', 'release-expired-reservations');
    expect(await available(kettle.id)).toBe(3);
    const orders = await sql<{ n: number }>`select count(*)::int as n from orders.orders where id = ${orphan}`.execute(
      app.infrastructure.db.root,
    );
    expect(orders.rows[0]?.n).toBe(0);
  });

  it('forgets checkout idempotency keys only after their retention', async () => {
    const user = await registerUser(app);
    const kettle = await newProduct(2);
    await placeOrder(user, kettle.id);
    const keys = async () =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from orders.idempotency_keys where user_id = ${user.id}`.execute(
          app.infrastructure.db.root,
        )
      ).rows[0]?.n;
    expect(await keys()).toBe(1);
    await runJob('orders', 'purge-idempotency-keys');
    expect(await keys()).toBe(1);
    clock.advance(25 * 3600 * 1000);
    await runJob('orders', 'purge-idempotency-keys');
    expect(await keys()).toBe(0);
  });
});
