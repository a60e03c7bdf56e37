import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { address } from './api-values.js';
import type { ProfileName } from './infra.js';
import { availableStock, call, createProduct, type CallResult, type TestUser } from './http.js';
import { orderCount, reservationCount, stockRow } from './shop-rows.js';
import { suiteShop } from './suite-shop.js';

/** A checkout that pays with the given card token. */
export const checkoutBody = (token = 'tok_visa') => ({ shippingAddress: address, payment: { token } });

/** The same answer as `first`, marked as a replay. */
export const expectReplayOf = (again: CallResult, first: CallResult) => {
  expect(again.status, again.text).toBe(first.status);
  expect(again.headers['idempotent-replayed']).toBe('true');
  expect(again.body).toEqual(first.body);
};

/**
 * The shop for a checkout suite, with checkout and what it reads and writes as one-line calls.
 * Payments and notifications are left out: the tests decide payment outcomes themselves.
 */
export function checkoutShop(profile: ProfileName) {
  const shop = suiteShop(profile, { services: ['identity', 'catalog', 'cart', 'orders'] });
  return Object.assign(shop, {
    newProduct: (stock: number, price = 1250) => createProduct(shop.app, shop.admin, stock, price, 'Lamp'),
    addToCart: async (user: TestUser, productId: string, quantity: number) => {
      const res = await call(shop.app, 'POST', '/api/v1/cart/items', {
        token: user.accessToken,
        body: { productId, quantity },
      });
      expect(res.status, res.text).toBe(200);
    },
    /** `key` null sends no Idempotency-Key. */
    checkout: (user: TestUser, key: string | null = randomUUID(), body: unknown = checkoutBody()) =>
      call(shop.app, 'POST', '/api/v1/checkout', {
        token: user.accessToken,
        body,
        headers: key === null ? {} : { 'idempotency-key': key },
      }),
    available: (productId: string) => availableStock(shop.app, productId),
    stockRow: (productId: string) => stockRow(shop.app, productId),
    ordersOf: async (user: TestUser) =>
      (await call(shop.app, 'GET', '/api/v1/orders?limit=100', { token: user.accessToken })).body.items as {
        id: string;
      }[],
    reservationCount: (productIds: string[]) => reservationCount(shop.app, productIds),
    orderCount: (userId: string) => orderCount(shop.app, userId),
  });
}
