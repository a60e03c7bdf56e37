import { randomUUID } from 'node:crypto';
import { sql, type Compilable, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import { recordsetOfJson } from '../db/json-recordset.js';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import type { MessagingTables } from './messaging-tables.js';

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

export interface Outbox<DB> {
  /** Runs `fn` in one transaction; events it emits are written in that transaction. */
  transaction<T>(fn: (trx: Transaction<DB>, emit: Emit) => Promise<T>): Promise<T>;
  /**
   * Writes `events` in ONE statement with `inserts`, each a data-modifying CTE: all or nothing like
   * `transaction`, in one round trip where a transaction takes one per insert plus begin and
   * commit. For a hot path that only inserts: checkout's record of its answer, its order and
   * `order.placed` (five round trips to one).
   */
  insertWith(inserts: Insert<DB>[], events: OutboxEvent[], options?: EmitOptions): Promise<EventEnvelope[]>;
  /**
   * Gives `events` to ONE statement of the caller's own, which writes them with its change when
   * its SQL decides they go (`OutboxStatement`) and says whether it did: for the one hot statement
   * whose rule runs where its rows are locked, the reservation of an order's stock.
   */
  inStatement<T>(
    events: OutboxEvent[],
    run: (outbox: OutboxStatement) => Promise<{ result: T; wrote: boolean }>,
    options?: EmitOptions,
  ): Promise<T>;
}

/**
 * The outbox rows of some events as parameters of a statement: `rows` a JSON array of
 * `{id, type, version, occurred_at, data, traceparent}`, `leaseMs` the lease to write them with
 * (`claimed_until` = now() + leaseMs milliseconds, null when null).
 */
export interface OutboxStatement {
  rows: string;
  leaseMs: number | null;
}

/** An insert into one of the service's tables, built on the query creator it is given. */
export type Insert<DB> = (qc: QueryCreator<DB>) => Compilable;

export function createOutbox<DB>(options: { db: Kysely<DB>; publisher?: OutboxPublisher }): Outbox<DB> {
  const { publisher } = options;
  return {
    async transaction(fn) {
      const written = transactionEvents(publisher);
      const result = await options.db.transaction().execute((trx) => fn(trx, written.emitIn(trx)));
      written.handOver();
      return result;
    },
    async insertWith(inserts, events, emitOptions = {}) {
      const leaseMs = publisher?.leaseMs() ?? null;
      const envelopes = envelopesOf(events, emitOptions);
      const withInserts = inserts.reduce<QueryCreator<DB>>(
        // Typed by Kysely as a CTE of the statement's own type; only its node is read.
        (creator, insert, i) =>
          creator.with(`insert_${i}`, (qc) => insert(qc as QueryCreator<DB>) as never) as QueryCreator<DB>,
        options.db,
      );
      await outboxInsert(withInserts, envelopes, leaseMs).execute();
      if (leaseMs !== null) publisher?.take(envelopes);
      return envelopes;
    },
    async inStatement(events, run, emitOptions = {}) {
      const leaseMs = publisher?.leaseMs() ?? null;
      const envelopes = envelopesOf(events, emitOptions);
      const { result, wrote } = await run({ rows: outboxRowsJson(envelopes), leaseMs });
      if (wrote && leaseMs !== null) publisher?.take(envelopes);
      return result;
    },
  };
}

/**
 * The events of one transaction: `emitIn(trx)` writes them leased to `publisher` (when its relay
 * runs), `handOver()` gives them to it once the transaction committed. Rolled back, they never go.
 */
export function transactionEvents(publisher: OutboxPublisher | undefined): {
  emitIn<DB>(trx: Kysely<DB>): Emit;
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

/** Writes events to the outbox of the schema `db` is bound to, in one statement; they commit or vanish with it. */
export async function writeOutboxEvents<DB>(
  db: Kysely<DB>,
  events: OutboxEvent[],
  options: EmitOptions = {},
  /** Held for this process's relay that long (`OutboxPublisher`); null: for any relay. */
  leaseMs: number | null = null,
): Promise<EventEnvelope[]> {
  if (events.length === 0) return [];
  const envelopes = envelopesOf(events, options);
  await outboxInsert(db, envelopes, leaseMs).execute();
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
const outboxColumnTypes = {
  id: 'uuid',
  type: 'text',
  version: 'integer',
  occurred_at: 'timestamptz',
  data: 'jsonb',
  traceparent: 'text',
};

function outboxRowsJson(envelopes: EventEnvelope[]): string {
  return JSON.stringify(
    envelopes.map((e) => ({
      id: e.id,
      type: e.type,
      version: e.version,
      occurred_at: e.occurredAt,
      data: e.data ?? null,
      traceparent: e.traceparent,
    })),
  );
}

/**
 * The insert of the envelopes' rows, as one JSON parameter: one statement text whatever their
 * number, which PostgreSQL prepares once, and which Kysely builds without a node per value.
 */
function outboxInsert<DB>(qc: QueryCreator<DB>, envelopes: EventEnvelope[], leaseMs: number | null) {
  const rows = outboxRowsJson(envelopes);
  // Leased by the database's clock, which every relay's claim compares with; a null lease leaves it null.
  const claimedUntil = sql<Date | null>`now() + ${leaseMs}::integer * interval '1 millisecond'`;
  return (qc as unknown as QueryCreator<MessagingTables>)
    .insertInto('outbox')
    .columns([...outboxColumns, 'claimed_until'])
    .expression((eb) =>
      eb
        .selectFrom(recordsetOfJson('written', outboxColumnTypes, rows))
        .select([...outboxColumns, claimedUntil.as('claimed_until')]),
    );
}
