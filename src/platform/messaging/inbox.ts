import { sql, type Kysely } from 'kysely';
import type { MessagingTables } from './messaging-tables.js';

/**
 * Records events as handled by `consumer`, in the caller's transaction, and returns the ids not
 * recorded before. One statement whatever their number: the ids go in as one array parameter.
 */
export async function recordInInbox(
  trx: Kysely<MessagingTables>,
  consumer: string,
  ids: string[],
): Promise<Set<string>> {
  const inserted = await trx
    .insertInto('inbox')
    .columns(['consumer', 'event_id'])
    .expression(sql`select ${consumer}::text, unnest(${ids}::uuid[])`)
    .onConflict((oc) => oc.doNothing())
    .returning('event_id')
    .execute();
  return new Set(inserted.map((row) => row.event_id));
}
