import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { CatalogCache } from '../data/catalog-cache.js';
import type { CatalogDb } from '../data/catalog-db.js';

/** What every catalog use case works with, built once by the composition root. */
export interface CatalogContext {
  db: Kysely<CatalogDb>;
  outbox: Outbox<CatalogDb>;
  cache: CatalogCache;
  clock: Clock;
  logger: Logger;
  /** The store currency: every price is in it. */
  currency: string;
  reservationTtlMs: number;
}
