import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventEnvelope, NewEvent } from '../../contracts/events/envelope.js';
import { messagingTables } from './messaging-tables.js';

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
}

export function createOutbox<DB>(options: { db: Kysely<DB>; publisher?: OutboxPublisher }): Outbox<DB> {
  return {
    async transaction(fn) {
      const written = transactionEvents(options.publisher);
      const result = await options.db.transaction().execute((trx) => fn(trx, written.emitIn(trx)));
      written.handOver();
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
  const occurredAt = new Date().toISOString();
  const envelopes = events.map((e) => ({
    id: randomUUID(),
    type: e.type,
    version: e.version ?? 1,
    occurredAt,
    data: e.data,
    traceparent: e.traceparent ?? options.traceparent ?? null,
  }));
  // Leased by the database's clock, which every relay's claim compares with.
  const claimedUntil = leaseMs === null ? null : sql<Date>`now() + ${leaseMs}::integer * interval '1 millisecond'`;
  await messagingTables(db)
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
        claimed_until: claimedUntil,
      })),
    )
    .execute();
  return envelopes;
}
