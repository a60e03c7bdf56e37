import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmporiumProcess } from '../src/apps/build-process.js';
import { realProfileEnabled } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, createProduct, registerUser, type TestUser } from './support/http.js';
import { eventually } from './support/eventually.js';

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** Requests an instance answered on the routes matching `route`, as its own metrics count them. */
const served = async (instance: EmporiumProcess, route: RegExp) =>
  (await instance.metrics.httpDuration.get()).values
    .filter((v) => v.metricName?.endsWith('_count') && route.test(String(v.labels.route)))
    .reduce((sum, v) => sum + v.value, 0);

/** The split layout runs catalog and orders twice: every hop to them is spread, and one of each may stop. */
describe.runIf(realProfileEnabled)('two instances of catalog and of orders (split profile)', () => {
  let app: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    app = await createTestApp('split');
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  /** A new customer buys one unit of `productId`; the checkout must be accepted. */
  const buy = async (productId: string) => {
    const user = await registerUser(app);
    expect(
      (await call(app, 'POST', '/api/v1/cart/items', { token: user.accessToken, body: { productId, quantity: 1 } }))
        .status,
    ).toBe(200);
    const placed = await call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': randomUUID() },
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
    });
    expect(placed.status, placed.text).toBe(202);
    return { user, orderId: placed.body.order.id as string };
  };

  it("spreads the gateway's, cart's and orders' calls over both instances", async () => {
    const product = await createProduct(app, admin, 20, 500);
    for (let i = 0; i < 4; i += 1) {
      expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).status).toBe(200);
      await buy(product.id);
    }

    const catalogs = app.instancesServing('catalog');
    const orders = app.instancesServing('orders');
    expect([catalogs.length, orders.length]).toEqual([2, 2]);
    for (const catalog of catalogs) {
      expect(await served(catalog, /^\/api\/v1\/(products|categories)/)).toBeGreaterThan(0);
      expect(await served(catalog, /^\/internal\/products\/lookup$/)).toBeGreaterThan(0);
      expect(await served(catalog, /^\/internal\/inventory\/reservations/)).toBeGreaterThan(0);
    }
    for (const instance of orders) expect(await served(instance, /^\/api\/v1\/checkout$/)).toBeGreaterThan(0);
  });

  it('takes and confirms every order while one instance of catalog and one of orders are stopped', async () => {
    const [catalog] = app.instancesServing('catalog');
    const [orders] = app.instancesServing('orders');
    await catalog?.stop();
    await orders?.stop();

    const product = await createProduct(app, admin, 20, 500);
    const bought = [];
    for (let i = 0; i < 4; i += 1) bought.push(await buy(product.id));
    for (const { user, orderId } of bought) {
      await eventually(
        async () => {
          const res = await call(app, 'GET', `/api/v1/orders/${orderId}`, { token: user.accessToken });
          return res.body.status === 'confirmed' ? true : undefined;
        },
        15_000,
        `order ${orderId} confirmed`,
      );
    }
    const left = await call(app, 'GET', `/api/v1/products/${product.id}`);
    expect(left.body.stock.available).toBe(16);
  });
});
