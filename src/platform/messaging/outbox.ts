import { randomUUID } from 'node:crypto';
import type { InsertQueryBuilder, InsertResult, Kysely, QueryCreator, Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import type { MessagingTables } from './messaging-tables.js';

export interface EmitOptions {
  /** W3C trace context of the request that caused the events. */
  traceparent?: string | null;
  /**
   * Rows inserted by the same statement as the events, each a data-modifying CTE: one round trip
   * for both, and all or nothing like a transaction.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  with?: RowInsert<any>[];
}

/** An event to write, optionally traced to its own cause (a batch of handled events raises several). */
export type OutboxEvent = NewEvent & { traceparent?: string | null };

export type Emit = (events: OutboxEvent[], options?: EmitOptions) => Promise<EventEnvelope[]>;

/** One row insert, to be run as part of a larger statement. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RowInsert<DB> = (db: QueryCreator<DB>) => InsertQueryBuilder<DB, any, InsertResult>;

export interface Outbox<DB> {
  /** Runs `fn` in one transaction; events it emits are written in that transaction. */
  transaction<T>(fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T>;
  /**
   * Writes the rows of `inserts` and `events` (at least one) in ONE statement, each insert a
   * data-modifying CTE: all or nothing like `transaction`, in one round trip instead of one per
   * row plus begin and commit. For hot paths that only insert.
   */
  insertWith(inserts: RowInsert<DB>[], events: OutboxEvent[], options?: EmitOptions): Promise<EventEnvelope[]>;
}

/**
 * Writes events to the outbox of the schema `trx` is bound to, and the rows of `options.with` in
 * the same statement; they commit or vanish with it.
 */
export async function writeOutboxEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Kysely<any>,
  events: OutboxEvent[],
  options: EmitOptions = {},
): Promise<EventEnvelope[]> {
  const inserts = options.with ?? [];
  if (events.length === 0) {
    if (inserts.length > 0) throw new Error('rows are written with events, at least one');
    return [];
  }
  const { envelopes, rows } = outboxRows(events, options);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const statement = inserts.reduce<QueryCreator<any>>((creator, insert, i) => creator.with(`write_${i}`, (db) => insert(db)), trx);
  await (statement as QueryCreator<MessagingTables>).insertInto('outbox').values(rows).execute();
  return envelopes;
}

function outboxRows(events: OutboxEvent[], options: EmitOptions) {
  const occurredAt = new Date().toISOString();
  const envelopes: EventEnvelope[] = events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    occurredAt,
    data: e.data,
    traceparent: e.traceparent ?? options.traceparent ?? null,
  }));
  const rows = envelopes.map((e) => ({
    id: e.id,
    type: e.type,
    version: e.version,
    occurred_at: e.occurredAt,
    // Stringified because node-postgres would send a top-level array as a PostgreSQL array.
    data: JSON.stringify(e.data ?? null),
    traceparent: e.traceparent,
  }));
  return { envelopes, rows };
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
    async insertWith(inserts, events, emitOptions = {}) {
      if (events.length === 0) throw new Error('insertWith writes at least one event');
      const envelopes = await writeOutboxEvents(options.db, events, { ...emitOptions, with: inserts });
      options.onCommit?.();
      return envelopes;
    },
  };
}
