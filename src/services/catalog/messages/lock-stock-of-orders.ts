import type { Transaction } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { CatalogDb } from '../data/catalog-db.js';
import { lockOrdersAndStock } from '../data/reservation-repository.js';

const orderIdOf = (event: EventEnvelope): string | undefined => {
  const data = event.data as { orderId?: unknown } | null;
  return typeof data?.orderId === 'string' ? data.orderId : undefined;
};

/**
 * Before a batch of order events: every lock its handlers need, in the one order every
 * transaction takes them, so none of them waits on a request that waits on it. Committing paid
 * orders relies on it; a release locks its one order again, a no-op by then.
 */
export async function lockStockOfOrders(events: EventEnvelope[], trx: Transaction<CatalogDb>): Promise<void> {
  const orderIds = [...new Set(events.map(orderIdOf).filter((id): id is string => id !== undefined))];
  if (orderIds.length === 0) return;
  await lockOrdersAndStock(trx, orderIds);
}
