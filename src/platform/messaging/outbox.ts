import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type QueryCreator, type RawBuilder, type Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import { recordsetOfJson } from '../db/json-recordset.js';
import { queryTemplate, type QueryTemplate } from '../db/query-template.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';

export interface EmitOptions {
  /** W3C trace context of the request that caused the events. */
  traceparent?: string | null;
}

/** An event to write, optionally traced to its own cause (a batch of handled events raises several). */
export type OutboxEvent = NewEvent & { traceparent?: string | null };

export type Emit = (events: OutboxEvent[], options?: EmitOptions) => Promise<EventEnvelope[]>;

/**
 * The relay publishing a service's events in this process, once it runs. Rows written with its
 * lease are left to it by every other relay, and their events are handed to it at commit: it
 * publishes them without claiming them and reading them back (two statements fewer per batch).
 */
export interface OutboxPublisher {
  /** The lease to write rows with now; null while no relay runs here, and any relay's poll takes them. */
  leaseMs(): number | null;
  /** Events that committed with that lease. */
  take(envelopes: EventEnvelope[]): void;
}

/**
 * Rows for a table of the service, written with events (`insertWith`): values as JSON (dates as
 * ISO text, jsonb columns as plain objects), and the SQL type of each column.
 */
export interface TableRows {
  into: string;
  columns: Record<string, string>;
  rows: Record<string, unknown>[];
}

/**
 * A call of a SQL function that changes rows and returns a jsonb object with `emit`, built from
 * named values (`decideAndEmit`). Pass each value straight into the SQL: the statement is built
 * once and run again with new values (see `queryTemplate`).
 */
export type Decision<P extends Record<string, unknown>, T extends { emit: boolean }> = (params: P) => RawBuilder<T>;

export interface Outbox<DB> {
  /** Runs `fn` in one transaction; events it emits are written in that transaction. */
  transaction<T>(fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T>;
  /**
   * Writes the rows of `inserts` and `events` (at least one) in ONE statement, each insert a
   * data-modifying CTE: all or nothing like `transaction`, in one round trip instead of one per
   * row plus begin and commit. For hot paths that only insert.
   */
  insertWith(inserts: TableRows[], events: OutboxEvent[], options?: EmitOptions): Promise<EventEnvelope[]>;
  /**
   * Runs `decision`, a call of a SQL function that changes rows and returns a jsonb object, and
   * writes `events` in the same statement only when that object's `emit` is true: one round trip,
   * all or nothing, for a write whose outcome only the database can decide. Returns the object.
   */
  decideAndEmit<P extends Record<string, unknown>, T extends { emit: boolean }>(decision: Decision<P, T>, params: P, events: OutboxEvent[], options?: EmitOptions): Promise<T>;
}

/** Writes events to the outbox of the schema `trx` is bound to; they commit or vanish with it. */
export async function writeOutboxEvents(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  trx: Kysely<any>,
  events: OutboxEvent[],
  options: EmitOptions = {},
  /** Held for this process's relay that long (`OutboxPublisher`); null: for any relay. */
  leaseMs: number | null = null,
): Promise<EventEnvelope[]> {
  if (events.length === 0) return [];
  const envelopes = envelopesOf(events, options);
  await insertOutboxRows.execute(messagingTables(trx), { rows: rowsJson(envelopes), leaseMs });
  return envelopes;
}

/**
 * The events of one transaction: `emitIn(trx)` writes them leased to `publisher` (when its relay
 * runs), `handOver()` gives them to it once the transaction committed. Rolled back, they never go.
 */
export function transactionEvents(publisher: OutboxPublisher | undefined): {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  emitIn(trx: Kysely<any>): Emit;
  handOver(): void;
} {
  const leased: EventEnvelope[] = [];
  return {
    emitIn: (trx) => async (events, options) => {
      const leaseMs = publisher?.leaseMs() ?? null;
      const envelopes = await writeOutboxEvents(trx, events, options, leaseMs);
      if (leaseMs !== null) leased.push(...envelopes);
      return envelopes;
    },
    handOver: () => {
      if (leased.length > 0) publisher?.take(leased);
    },
  };
}

const outboxColumnTypes = { id: 'uuid', type: 'text', version: 'integer', occurred_at: 'timestamptz', data: 'jsonb', traceparent: 'text' } as const;

/** Leased by the database's clock, which every relay's claim compares with; null: no lease. */
const leaseUntil = (leaseMs: number | null) => sql<Date | null>`now() + ${leaseMs}::integer * interval '1 millisecond'`;

/** Inserts outbox rows given as JSON text, in their order: one statement text whatever their number. */
const outboxRowsInsert = (qc: QueryCreator<MessagingTables>, rows: string, leaseMs: number | null) =>
  qc
    .insertInto('outbox')
    .columns([...outboxColumns, 'claimed_until'])
    .expression((eb) => eb.selectFrom(recordsetOfJson('written', outboxColumnTypes, rows)).select([...outboxColumns, leaseUntil(leaseMs).as('claimed_until')]));

const insertOutboxRows = queryTemplate<MessagingTables, { rows: string; leaseMs: number | null }>(['rows', 'leaseMs'], (db, p) => outboxRowsInsert(db, p.rows, p.leaseMs));

/** `inserts` as data-modifying CTEs, then the outbox rows: one template per shape of `inserts`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const insertsWithEvents = new Map<string, QueryTemplate<any, Record<string, string | number | null>, unknown>>();

function insertsWithEventsFor(inserts: TableRows[]) {
  const shape = JSON.stringify(inserts.map((i) => [i.into, i.columns]));
  let template = insertsWithEvents.get(shape);
  if (!template) {
    const names = [...inserts.map((_, i) => `rows_${i}`), 'events', 'leaseMs'];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    template = queryTemplate<any, Record<string, string | number | null>>(names, (db, p) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const statement = inserts.reduce<QueryCreator<any>>((creator, insert, i) => {
        const columns = Object.keys(insert.columns);
        return creator.with(`write_${i}`, (qc) =>
          qc
            .insertInto(insert.into)
            .columns(columns)
            .expression((eb) => eb.selectFrom(recordsetOfJson(`rows_${i}`, insert.columns, p[`rows_${i}`] as string)).select(columns)),
        );
      }, db);
      return outboxRowsInsert(statement as QueryCreator<MessagingTables>, p.events as string, p.leaseMs as number | null);
    });
    insertsWithEvents.set(shape, template);
  }
  return template;
}

/** `decision` then the events, one template per decision (see `decideThenWrite`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const decisionTemplates = new WeakMap<Decision<any, any>, QueryTemplate<any, any, { result: unknown }>>();

// Stringified because node-postgres would send a top-level array as a PostgreSQL array.
const rowsJson = (envelopes: EventEnvelope[]) => JSON.stringify(envelopes.map(outboxRowOf));

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
async function decideThenWrite<P extends Record<string, unknown>, T extends { emit: boolean }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  decision: Decision<P, T>,
  params: P,
  envelopes: EventEnvelope[],
  leaseMs: number | null,
): Promise<T> {
  let template = decisionTemplates.get(decision);
  if (!template) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    template = queryTemplate<any, any, { result: unknown }>([...Object.keys(params), 'events', 'leaseMs'], (qc: Kysely<MessagingTables & { decision: { result: T } }>, p) =>
      qc
        .with((cte) => cte('decision').materialized(), (q) => q.selectNoFrom(decision(p as P).as('result')))
        .with('write_events', (q) =>
          q
            .insertInto('outbox')
            .columns([...outboxColumns, 'claimed_until'])
            .expression((eb) =>
              eb
                .selectFrom(recordsetOfJson('emitted', outboxColumnTypes, p.events as string))
                .select([...outboxColumns, leaseUntil(p.leaseMs as number | null).as('claimed_until')])
                .where(sql<boolean>`(select (result->>'emit')::boolean from decision)`),
            ),
        )
        .selectFrom('decision')
        .select('result'),
    );
    decisionTemplates.set(decision, template);
  }
  const { rows } = await template.execute(db, { ...params, events: rowsJson(envelopes), leaseMs });
  if (!rows[0]) throw new Error('the decision returned no row');
  return rows[0].result as T;
}

export function createOutbox<DB>(options: { db: Kysely<DB>; publisher?: OutboxPublisher }): Outbox<DB> {
  const { publisher } = options;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = options.db as Kysely<any>;
  return {
    async transaction(fn) {
      const written = transactionEvents(publisher);
      const result = await options.db.transaction().execute((trx) => fn(trx, written.emitIn(trx)));
      written.handOver();
      return result;
    },
    async insertWith(inserts, events, emitOptions = {}) {
      if (events.length === 0) throw new Error('insertWith writes at least one event');
      const envelopes = envelopesOf(events, emitOptions);
      const leaseMs = publisher?.leaseMs() ?? null;
      const params: Record<string, string | number | null> = { events: rowsJson(envelopes), leaseMs };
      inserts.forEach((insert, i) => (params[`rows_${i}`] = JSON.stringify(insert.rows)));
      await insertsWithEventsFor(inserts).execute(db, params);
      if (leaseMs !== null) publisher?.take(envelopes);
      return envelopes;
    },
    async decideAndEmit(decision, params, events, emitOptions = {}) {
      const envelopes = envelopesOf(events, emitOptions);
      const leaseMs = publisher?.leaseMs() ?? null;
      const result = await decideThenWrite(db, decision, params, envelopes, leaseMs);
      if (result.emit && envelopes.length > 0 && leaseMs !== null) publisher?.take(envelopes);
      return result;
    },
  };
}
