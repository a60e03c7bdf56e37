import type { Kysely } from 'kysely';
import type { CartApi } from '../../../contracts/api/cart-api.js';
import type { InventoryApi } from '../../../contracts/api/inventory.js';
import type { Clock } from '../../../platform/clock.js';
import type { KvStore } from '../../../platform/kv/kv-store.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { OrdersDb } from '../data/orders-db.js';

/** What every orders use case works with, built once by the composition root. */
export interface OrdersContext {
  db: Kysely<OrdersDb>;
  outbox: Outbox<OrdersDb>;
  kv: KvStore;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** The catalog's stock reservations (in process, or its internal HTTP routes). */
  inventory: InventoryApi;
  /** The cart service's view of a user's cart lines. */
  carts: CartApi;
  /** An order still waiting for its payment after this long is cancelled. */
  paymentTimeoutMs: number;
  /** How long checkout keeps an Idempotency-Key and its answer. */
  idempotencyTtlMs: number;
}
