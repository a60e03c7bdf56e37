import { randomUUID } from 'node:crypto';
import { sql, type InsertQueryBuilder, type InsertResult, type Kysely, type QueryCreator, type RawBuilder, type Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import { jsonRecordset } from '../db/json-recordset.js';
import type { MessagingTables } from './messaging-tables.js';

export interface EmitOptions {
  /** W3C trace context of the request that caused the events. */
  traceparent?: string | null;
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
  /**
   * Runs `decision`, a call of a SQL function that changes rows and returns a jsonb object, and
   * writes `events` in the same statement only when that object's `emit` is true: one round trip,
   * all or nothing, for a write whose outcome only the database can decide. Returns the object.
   */
  decideAndEmit<T extends { emit: boolean }>(decision: RawBuilder<T>, events: OutboxEvent[], options?: EmitOptions): Promise<T>;
}

/**
 * Writes events to the outbox of the schema `trx` is bound to, and the rows of `inserts` in the
 * same statement, each a data-modifying CTE; they commit or vanish with it.
 */
export async function writeOutboxEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Kysely<any>,
  events: OutboxEvent[],
  options: EmitOptions = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  inserts: RowInsert<any>[] = [],
): Promise<EventEnvelope[]> {
  if (events.length === 0) {
    if (inserts.length > 0) throw new Error('rows are written with events, at least one');
    return [];
  }
  const envelopes = envelopesOf(events, options);
  // Stringified because node-postgres would send a top-level array as a PostgreSQL array.
  const rows = envelopes.map((e) => ({ ...outboxRowOf(e), data: JSON.stringify(e.data ?? null) }));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const statement = inserts.reduce<QueryCreator<any>>((creator, insert, i) => creator.with(`write_${i}`, (db) => insert(db)), trx);
  await (statement as QueryCreator<MessagingTables>).insertInto('outbox').values(rows).execute();
  return envelopes;
}

function envelopesOf(events: OutboxEvent[], options: EmitOptions): EventEnvelope[] {
  const occurredAt = new Date().toISOString();
  return events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    occurredAt,
    data: e.data,
    traceparent: e.traceparent ?? options.traceparent ?? null,
  }));
}

const outboxColumns = ['id', 'type', 'version', 'occurred_at', 'data', 'traceparent'] as const;

const outboxRowOf = (e: EventEnvelope) => ({ id: e.id, type: e.type, version: e.version, occurred_at: e.occurredAt, data: e.data ?? null, traceparent: e.traceparent });

/**
 * `decision` and the insert of `events` as one statement. The decision is a materialized CTE, so
 * its function runs once, before the insert reads its `emit`.
 */
async function decideThenWrite<T extends { emit: boolean }>(
  db: Kysely<MessagingTables & { decision: { result: T } }>,
  decision: RawBuilder<T>,
  events: OutboxEvent[],
  options: EmitOptions,
): Promise<T> {
  const rows = envelopesOf(events, options).map(outboxRowOf);
  const emitted = jsonRecordset('emitted', { id: 'uuid', type: 'text', version: 'integer', occurred_at: 'timestamptz', data: 'jsonb', traceparent: 'text' }, rows);
  const { result } = await db
    .with((cte) => cte('decision').materialized(), (qc) => qc.selectNoFrom(decision.as('result')))
    .with('write_events', (qc) =>
      qc
        .insertInto('outbox')
        .columns([...outboxColumns])
        .expression((eb) => eb.selectFrom(emitted).select([...outboxColumns]).where(sql<boolean>`(select (result->>'emit')::boolean from decision)`)),
    )
    .selectFrom('decision')
    .select('result')
    .executeTakeFirstOrThrow();
  return result as T;
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
      const envelopes = await writeOutboxEvents(options.db, events, emitOptions, inserts);
      options.onCommit?.();
      return envelopes;
    },
    async decideAndEmit(decision, events, emitOptions = {}) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const result = await decideThenWrite(options.db as Kysely<any>, decision, events, emitOptions);
      if (result.emit && events.length > 0) options.onCommit?.();
      return result;
    },
  };
}
