import { randomUUID } from 'node:crypto';
import { beforeAll, expect } from 'vitest';
import type { NewEvent } from '../../src/contracts/events/envelope.js';
import { eventually } from './eventually.js';
import type { ProfileName } from './infra.js';
import { call, createProduct, type TestUser } from './http.js';
import { orderEvents, stockRow } from './shop-rows.js';
import { suiteShop } from './suite-shop.js';
import type { TestApp } from './test-app.js';

export const address = {
  name: 'Grace Hopper',
  line1: '1 Navy Yard',
  city: 'Arlington',
  postalCode: '22202',
  country: 'US',
};

export interface PlacedOrder {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  [field: string]: unknown;
}

/** The payment facts about an order, as payments' events carry them. */
export const payment = (user: TestUser, order: PlacedOrder) => ({
  paymentId: `pay_${order.id}`,
  orderId: order.id,
  userId: user.id,
  amount: order.total,
});

/** Publishes events as their service's relay would. */
const publish = (app: TestApp, events: NewEvent[]) =>
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

/** Checks out `quantity` of a product, and waits until the cart is empty for the next order. */
async function placeOrder(app: TestApp, user: TestUser, productId: string, quantity: number): Promise<PlacedOrder> {
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
}

/**
 * The shop for an orders suite, with a product in stock to order and the orders' routes as
 * one-line calls. Payments is left out: the tests publish its events themselves, as its relay would.
 */
export function ordersShop(profile: ProfileName) {
  const shop = Object.assign(suiteShop(profile, { services: ['identity', 'catalog', 'cart', 'orders'] }), {
    product: {} as { id: string },
  });
  const getOrder = (user: TestUser, id: string) =>
    call(shop.app, 'GET', `/api/v1/orders/${id}`, { token: user.accessToken });
  const newProduct = (stock: number, price = 1500) => createProduct(shop.app, shop.admin, stock, price, 'Kettle');
  beforeAll(async () => {
    shop.product = await newProduct(1000);
  });
  return Object.assign(shop, {
    newProduct,
    getOrder,
    placeOrder: (user: TestUser, productId = shop.product.id, quantity = 1) =>
      placeOrder(shop.app, user, productId, quantity),
    publish: (...events: NewEvent[]) => publish(shop.app, events),
    orderIn: (user: TestUser, id: string, status: string) =>
      eventually(async () => {
        const res = await getOrder(user, id);
        return res.body.status === status ? res.body : undefined;
      }),
    orderEvents: (orderId: string) => orderEvents(shop.app, orderId),
    stockRow: (productId: string) => stockRow(shop.app, productId),
    cancel: (user: TestUser, id: string) =>
      call(shop.app, 'POST', `/api/v1/orders/${id}/cancel`, { token: user.accessToken }),
    ship: (id: string, token = shop.admin.accessToken) =>
      call(shop.app, 'POST', `/api/v1/admin/orders/${id}/ship`, {
        token,
        body: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
      }),
  });
}
