import type { CartApi, CartLines } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';
import { callInternal, joinUrl } from './internal-http.js';

/** The cart service's internal routes under `/internal/carts/:userId`, for orders in another process. */
export function createHttpCartClient(baseUrl: string): CartApi {
  return {
    async linesOf(userId) {
      const res = await callInternal('cart', joinUrl(baseUrl, `/internal/carts/${encodeURIComponent(userId)}/lines`), { method: 'GET' });
      const body = res.body as Partial<CartLines> | null;
      if (res.status !== 200 || !Array.isArray(body?.items) || typeof body.version !== 'string' || typeof body.subtotal?.amount !== 'number') {
        throw Object.assign(new AppError('bad_gateway', 'The cart service gave an unexpected answer.'), { cause: `status ${res.status}` });
      }
      return { items: body.items.map((i) => ({ productId: i.productId, quantity: i.quantity })), version: body.version, subtotal: body.subtotal };
    },
    async takeOrder({ orderId, userId, items }) {
      const url = joinUrl(baseUrl, `/internal/carts/${encodeURIComponent(userId)}/orders/${encodeURIComponent(orderId)}`);
      const res = await callInternal('cart', url, { method: 'POST', body: { items } });
      if (res.status !== 204) {
        throw Object.assign(new AppError('bad_gateway', 'The cart service gave an unexpected answer.'), { cause: `status ${res.status}` });
      }
    },
  };
}
