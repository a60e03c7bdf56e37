import type { CartLineRef, CartReader } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';
import { callInternal, joinUrl } from './internal-http.js';

/** The cart service's internal route `GET /internal/carts/:userId/lines`, for orders in another process. */
export function createHttpCartReader(baseUrl: string): CartReader {
  return {
    async linesOf(userId) {
      const res = await callInternal('cart', joinUrl(baseUrl, `/internal/carts/${encodeURIComponent(userId)}/lines`), { method: 'GET' });
      const items = (res.body as { items?: CartLineRef[] } | null)?.items;
      if (res.status !== 200 || !Array.isArray(items)) {
        throw Object.assign(new AppError('bad_gateway', 'The cart service gave an unexpected answer.'), { cause: `status ${res.status}` });
      }
      return items.map((i) => ({ productId: i.productId, quantity: i.quantity }));
    },
  };
}
