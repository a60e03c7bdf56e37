import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { EventEnvelope } from '../../contracts/events/envelope.js';

/**
 * The event's data checked against the publisher's schema. A malformed event throws: the
 * consumer retries it and then parks it in the dead letters, where someone will look.
 */
export function payloadOf<S extends TSchema>(schema: S, event: EventEnvelope): Static<S> {
  if (Value.Check(schema, event.data)) return event.data as Static<S>;
  const first = [...Value.Errors(schema, event.data)][0];
  throw new Error(`${event.type} ${event.id} has malformed data: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`);
}
