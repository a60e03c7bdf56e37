import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { messagingTables } from './messaging-tables.js';

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
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function listDeadLetters(db: Kysely<any>, consumer?: string): Promise<DeadLetter[]> {
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
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function requestReplay(db: Kysely<any>, ids: string[] | 'all'): Promise<number> {
  let query = messagingTables(db).updateTable('dead_letters').set({ replay_requested_at: sql<Date>`now()` });
  if (ids !== 'all') {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return 0;
    query = query.where('id', 'in', valid);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
