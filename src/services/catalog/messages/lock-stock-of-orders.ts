import { sql, type Transaction } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { CatalogDb } from '../data/catalog-db.js';
import { lockOrders } from '../data/reservation-repository.js';

const orderIdOf = (event: EventEnvelope): string | undefined => {
  const data = event.data as { orderId?: unknown } | null;
  return typeof data?.orderId === 'string' ? data.orderId : undefined;
};

/**
 * Before a batch of order events: every order's lock, then every stock row their reservations
 * touch, each in sorted order, as `reserveStock` takes them (order first, stock rows by product
 * id). Handlers taking them again one event at a time then never wait on a request that waits on
 * them. One event needs nothing: its handler already locks in that order.
 */
export async function lockStockOfOrders(events: EventEnvelope[], trx: Transaction<CatalogDb>): Promise<void> {
  const orderIds = [...new Set(events.map(orderIdOf).filter((id): id is string => id !== undefined))].sort();
  if (orderIds.length < 2) return;
  await lockOrders(trx, orderIds);
  await trx
    .selectFrom('inventory')
    .select('product_id')
    .where('product_id', 'in', (eb) => eb.selectFrom('reservations').select('product_id').where('order_id', 'in', orderIds))
    // Byte order, as `byProductId` compares in code.
    .orderBy(sql`product_id collate "C"`)
    .forUpdate()
    .execute();
}
