import type { InventoryApi, ReservationOutcome, ReservedLine, Shortage } from '../../../contracts/api/inventory.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ServicePool } from '../../../platform/http/service-pool.js';
import { callInternal, type InternalResponse } from './internal-http.js';

/**
 * The catalog's InventoryApi over its internal routes, for an orders service in another process.
 * Every call is idempotent per order id, so retrying a lost answer reserves nothing twice.
 */
export function createHttpInventoryClient(catalog: ServicePool): InventoryApi {
  const path = (rest: string) => `/internal/inventory/reservations${rest}`;
  const unexpected = (res: InternalResponse) =>
    Object.assign(new AppError('bad_gateway', 'The catalog service gave an unexpected answer.'), {
      cause: `status ${res.status}`,
    });
  const outcome = async (rest: string): Promise<ReservationOutcome> => {
    const res = await callInternal('catalog', catalog, path(rest), { method: 'POST' });
    if (res.status !== 200) throw unexpected(res);
    return res.body as ReservationOutcome;
  };

  return {
    async reserve(orderId, lines) {
      const res = await callInternal('catalog', catalog, path(''), { method: 'POST', body: { orderId, lines } });
      if (res.status === 200) return { ok: true, lines: (res.body as { lines: ReservedLine[] }).lines };
      const shortages = (res.body as { shortages?: Shortage[] } | null)?.shortages;
      if (res.status === 409 && Array.isArray(shortages)) return { ok: false, shortages };
      throw unexpected(res);
    },
    commit: (orderId) => outcome(`/${encodeURIComponent(orderId)}/commit`),
    release: (orderId) => outcome(`/${encodeURIComponent(orderId)}/release`),
    async unmatched(heldForMs) {
      const res = await callInternal('catalog', catalog, path(`/unmatched?heldForMs=${heldForMs}`), { method: 'GET' });
      const orderIds = (res.body as { orderIds?: unknown } | null)?.orderIds;
      if (res.status !== 200 || !Array.isArray(orderIds)) throw unexpected(res);
      return orderIds as string[];
    },
    async match(orderIds) {
      const res = await callInternal('catalog', catalog, path('/matched'), { method: 'POST', body: { orderIds } });
      if (res.status !== 204) throw unexpected(res);
    },
  };
}
