import type { Transaction } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { CatalogDb } from '../data/catalog-db.js';
import { lockOrdersAndStock } from '../data/reservation-repository.js';

const orderIdOf = (event: EventEnvelope): string | undefined => {
  const data = event.data as { orderId?: unknown } | null;
  return typeof data?.orderId === 'string' ? data.orderId : undefined;
};

/**
 * Before a batch of order events: every lock its handlers will take, in the one order every
 * transaction takes them. Handlers taking them again (a no-op) one event at a time then never
 * wait on a request that waits on them. One event needs nothing: its handler locks in that order.
 */
export async function lockStockOfOrders(events: EventEnvelope[], trx: Transaction<CatalogDb>): Promise<void> {
  const orderIds = [...new Set(events.map(orderIdOf).filter((id): id is string => id !== undefined))];
  if (orderIds.length < 2) return;
  await lockOrdersAndStock(trx, orderIds);
}
