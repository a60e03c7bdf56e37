import type { ColumnType, Kysely } from 'kysely';

/** Rows of the messaging tables that `messagingMigrations` creates in every service's schema. */
export interface OutboxTable {
  id: string;
  type: string;
  version: number;
  occurred_at: ColumnType<Date, string, never>;
  data: ColumnType<unknown, string, never>;
  traceparent: string | null;
  published_at: ColumnType<Date | null, never, Date | null>;
  claimed_until: ColumnType<Date | null, Date | null, Date | null>;
  seq: ColumnType<number, never, never>;
}

export interface InboxTable {
  consumer: string;
  event_id: string;
  handled_at: ColumnType<Date, never, never>;
}

export interface DeadLetterTable {
  id: ColumnType<string, never, never>;
  consumer: string;
  event_id: string;
  event: ColumnType<unknown, string, string>;
  error: string;
  attempts: number;
  failed_at: ColumnType<Date, never, Date>;
  replay_requested_at: ColumnType<Date | null, never, Date | null>;
}

export interface MessagingTables {
  outbox: OutboxTable;
  inbox: InboxTable;
  dead_letters: DeadLetterTable;
}

/**
 * Services type their Kysely with their own tables only; the messaging tables sit in the same
 * schema, so a handle to the one is a handle to the other.
 */
export function messagingTables<DB>(db: Kysely<DB>): Kysely<MessagingTables> {
  return db as unknown as Kysely<MessagingTables>;
}
