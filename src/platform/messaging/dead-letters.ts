import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';

export interface DeadLetter {
  id: string;
  consumer: string;
  event: EventEnvelope;
  error: string;
  attempts: number;
  failedAt: Date;
  replayRequestedAt: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Dead letters in the schema `db` is bound to, oldest first. */
export async function listDeadLetters<DB>(db: Kysely<DB>, consumer?: string): Promise<DeadLetter[]> {
  let query = messagingTables(db).selectFrom('dead_letters').selectAll().orderBy('failed_at');
  if (consumer) query = query.where('consumer', '=', consumer);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    consumer: r.consumer,
    event: r.event as EventEnvelope,
    error: r.error,
    attempts: r.attempts,
    failedAt: r.failed_at,
    replayRequestedAt: r.replay_requested_at,
  }));
}

/**
 * Marks dead letters for replay; the owning consumer picks them up within a few seconds.
 * Ids that are not UUIDs match nothing. Returns how many rows were marked.
 */
export async function requestReplay<DB>(db: Kysely<DB>, ids: string[] | 'all'): Promise<number> {
  let query = messagingTables(db)
    .updateTable('dead_letters')
    .set({ replay_requested_at: sql<Date>`now()` });
  if (ids !== 'all') {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return 0;
    query = query.where('id', 'in', valid);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Parks an event `consumer` gave up on. One row per event and consumer: a redelivered dead event
 * adds its attempts to the row and waits for a new replay request.
 */
export async function buryDeadLetter(
  db: Kysely<MessagingTables>,
  consumer: string,
  event: EventEnvelope,
  error: string,
  attempts: number,
): Promise<void> {
  await db
    .insertInto('dead_letters')
    .values({ consumer, event_id: event.id, event: JSON.stringify(event), error, attempts })
    .onConflict((oc) =>
      oc.columns(['consumer', 'event_id']).doUpdateSet((eb) => ({
        attempts: sql<number>`${eb.ref('dead_letters.attempts')} + ${eb.ref('excluded.attempts')}`,
        error: eb.ref('excluded.error'),
        failed_at: sql<Date>`now()`,
        replay_requested_at: null,
      })),
    )
    .execute();
}

export async function countDeadLetters(db: Kysely<MessagingTables>, consumer: string): Promise<number> {
  const { n } = await db
    .selectFrom('dead_letters')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('consumer', '=', consumer)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** The dead letters of `consumer` whose replay was requested, oldest first. */
export async function replayRequestedDeadLetters(
  db: Kysely<MessagingTables>,
  consumer: string,
): Promise<{ id: string; event: EventEnvelope }[]> {
  const rows = await db
    .selectFrom('dead_letters')
    .select(['id', 'event'])
    .where('consumer', '=', consumer)
    .where('replay_requested_at', 'is not', null)
    .orderBy('failed_at')
    .execute();
  return rows.map((row) => ({ id: row.id, event: row.event as EventEnvelope }));
}

/** A replayed dead letter goes, in the transaction that handled its event. */
export async function deleteDeadLetter(trx: Kysely<MessagingTables>, id: string): Promise<void> {
  await trx.deleteFrom('dead_letters').where('id', '=', id).execute();
}
