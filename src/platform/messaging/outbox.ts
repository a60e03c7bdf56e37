import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import { messagingTables } from './messaging-tables.js';

export interface EmitOptions {
  /** W3C trace context of the request that caused the events. */
  traceparent?: string | null;
}

export type Emit = (events: NewEvent[], options?: EmitOptions) => Promise<EventEnvelope[]>;

export interface Outbox<DB> {
  /** Runs `fn` in one transaction; events it emits are written in that transaction. */
  transaction<T>(fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T>;
}

/** Writes events to the outbox of the schema `trx` is bound to; they commit or vanish with it. */
export async function writeOutboxEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Kysely<any>,
  events: NewEvent[],
  options: EmitOptions = {},
): Promise<EventEnvelope[]> {
  if (events.length === 0) return [];
  const occurredAt = new Date().toISOString();
  const envelopes: EventEnvelope[] = events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    occurredAt,
    data: e.data,
    traceparent: options.traceparent ?? null,
  }));
  await messagingTables(trx)
    .insertInto('outbox')
    .values(
      envelopes.map((e) => ({
        id: e.id,
        type: e.type,
        version: e.version,
        occurred_at: e.occurredAt,
        // Stringified because node-postgres would send a top-level array as a PostgreSQL array.
        data: JSON.stringify(e.data ?? null),
        traceparent: e.traceparent,
      })),
    )
    .execute();
  return envelopes;
}

export function createOutbox<DB>(options: { db: Kysely<DB>; onCommit?: () => void }): Outbox<DB> {
  return {
    async transaction(fn) {
      let emitted = 0;
      const result = await options.db.transaction().execute((trx) =>
        fn(trx, async (events, emitOptions) => {
          const envelopes = await writeOutboxEvents(trx, events, emitOptions);
          emitted += envelopes.length;
          return envelopes;
        }),
      );
      // Wakes the relay now rather than at its next poll; rolled-back events never reach here.
      if (emitted > 0) options.onCommit?.();
      return result;
    },
  };
}
