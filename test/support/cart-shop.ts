import type { ProfileName } from './infra.js';
import { call, createProduct, type TestUser } from './http.js';
import { suiteShop } from './suite-shop.js';

/** The whole shop for a cart suite, with the cart's routes as one-line calls. */
export function cartShop(profile: ProfileName) {
  const shop = suiteShop(profile);
  return Object.assign(shop, {
    newProduct: (price = 1500) => createProduct(shop.app, shop.admin, 50, price, 'Mug'),
    cartOf: (user: TestUser) => call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken }),
    add: (user: TestUser, productId: string, quantity: number) =>
      call(shop.app, 'POST', '/api/v1/cart/items', { token: user.accessToken, body: { productId, quantity } }),
    setQty: (user: TestUser, productId: string, quantity: number) =>
      call(shop.app, 'PUT', `/api/v1/cart/items/${productId}`, { token: user.accessToken, body: { quantity } }),
  });
}
