import type { Kysely } from 'kysely';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import { writeOutboxEvents } from '../../../platform/messaging/outbox.js';
import type { CatalogDb } from '../data/catalog-db.js';
import type { StockStep } from '../domain/stock-step.js';

/**
 * The event's data checked against the publisher's schema. A malformed event throws: the
 * consumer retries it and then parks it in the dead letters, where someone will look.
 */
export function payloadOf<S extends TSchema>(schema: S, event: EventEnvelope): Static<S> {
  if (Value.Check(schema, event.data)) return event.data as Static<S>;
  const first = [...Value.Errors(schema, event.data)][0];
  throw new Error(`${event.type} ${event.id} has malformed data: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`);
}

/** A stock step in the consumer's transaction: its events go out with the inbox row, traced to the cause. */
export function stepIn(trx: Kysely<CatalogDb>, event: EventEnvelope, now: Date): StockStep {
  return { trx, now, emit: (events) => writeOutboxEvents(trx, events, { traceparent: event.traceparent }) };
}
