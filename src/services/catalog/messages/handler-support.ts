import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { HandlerContext } from '../../../platform/messaging/consumer.js';
import type { CatalogDb } from '../data/catalog-db.js';
import type { StockStep } from '../domain/stock-step.js';

/** A stock step in the consumer's transaction: its events go out with the inbox row, traced to the cause. */
export function stepIn(trx: Kysely<CatalogDb>, context: HandlerContext, event: EventEnvelope, now: Date): StockStep {
  return { trx, now, emit: (events) => context.emit(events, { traceparent: event.traceparent }) };
}
