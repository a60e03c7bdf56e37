import type { CartApi, CartLines } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ServicePool } from '../../../platform/http/service-pool.js';
import { callInternal } from './internal-http.js';

/** The cart service's internal routes under `/internal/carts/:userId`, for orders in another process. */
export function createHttpCartClient(cart: ServicePool): CartApi {
  return {
    async linesOf(userId) {
      const res = await callInternal('cart', cart, `/internal/carts/${encodeURIComponent(userId)}/lines`, {
        method: 'GET',
      });
      const body = res.body as Partial<CartLines> | null;
      if (
        res.status !== 200 ||
        !Array.isArray(body?.items) ||
        typeof body.version !== 'string' ||
        typeof body.subtotal?.amount !== 'number'
      ) {
        throw Object.assign(new AppError('bad_gateway', 'The cart service gave an unexpected answer.'), {
          cause: `status ${res.status}`,
        });
      }
      return {
        items: body.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        version: body.version,
        subtotal: body.subtotal,
      };
    },
    async takeOrder({ orderId, userId, items }) {
      const path = `/internal/carts/${encodeURIComponent(userId)}/orders/${encodeURIComponent(orderId)}`;
      const res = await callInternal('cart', cart, path, { method: 'POST', body: { items } });
      if (res.status !== 204) {
        throw Object.assign(new AppError('bad_gateway', 'The cart service gave an unexpected answer.'), {
          cause: `status ${res.status}`,
        });
      }
    },
  };
}
