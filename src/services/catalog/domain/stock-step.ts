import type { Kysely } from 'kysely';
import type { OutboxEvent } from '../../../platform/messaging/outbox.js';
import type { CatalogDb } from '../data/catalog-db.js';

/**
 * A stock change run inside a transaction somebody else opened: a use case's own
 * (`ctx.outbox.transaction`) or a message consumer's, whose inbox row commits with it.
 * `emit` writes to the catalog's outbox in that same transaction.
 */
export interface StockStep {
  trx: Kysely<CatalogDb>;
  emit: (events: OutboxEvent[]) => Promise<unknown>;
  now: Date;
}

/** What a step did, and the products whose cached reads it made stale. */
export interface StepResult<S extends string> {
  status: S;
  productIds: string[];
}
