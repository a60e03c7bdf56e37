import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { EventEnvelope } from '../../contracts/events/envelope.js';

// Compiled once per schema: every consumed event is checked, and the interpreted check cost
// a consumer more CPU than handling the event.
const validators = new WeakMap<TSchema, Validator>();

function validatorOf(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) validators.set(schema, (validator = Compile(schema)));
  return validator;
}

/**
 * The event's data checked against the publisher's schema. A malformed event throws: the
 * consumer retries it and then parks it in the dead letters, where someone will look.
 */
export function payloadOf<S extends TSchema>(schema: S, event: EventEnvelope): Static<S> {
  const validator = validatorOf(schema);
  if (validator.Check(event.data)) return event.data as Static<S>;
  const first = validator.Errors(event.data)[0];
  throw new Error(
    `${event.type} ${event.id} has malformed data: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`,
  );
}
