import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { MessagingTables } from './messaging-tables.js';

// What a relay does to outbox rows. Leases run on the database's clock, which every relay and
// every writer (`writeOutboxEvents`) share; ids go in as one array parameter, so each statement
// keeps one text whatever their number.

const leaseFor = (ms: number) => sql<Date>`now() + ${Math.round(ms)}::integer * interval '1 millisecond'`;

/** Holds the oldest unpublished rows nobody holds for `leaseMs`, and reads them, oldest first. */
export async function claimUnpublished(
  db: Kysely<MessagingTables>,
  leaseMs: number,
  limit: number,
): Promise<EventEnvelope[]> {
  const rows = await db
    .updateTable('outbox')
    .set({ claimed_until: leaseFor(leaseMs) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'type', 'version', 'occurred_at', 'data', 'traceparent', 'seq'])
    .execute();
  // UPDATE ... RETURNING gives the rows in no particular order.
  return rows
    .sort((a, b) => a.seq - b.seq)
    .map((row) => ({
      id: row.id,
      type: row.type,
      version: row.version,
      occurredAt: row.occurred_at.toISOString(),
      data: row.data,
      traceparent: row.traceparent,
    }));
}

/** Rows still unpublished stay held (or are held again) for `leaseMs`; 0 hands them to the next relay that polls. */
export async function leaseRows(db: Kysely<MessagingTables>, ids: string[], leaseMs: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ claimed_until: leaseFor(leaseMs) })
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .where('published_at', 'is', null)
    .execute();
}

export async function markPublished(db: Kysely<MessagingTables>, ids: string[]): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ published_at: sql<Date>`now()`, claimed_until: null })
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

export async function countUnpublished(db: Kysely<MessagingTables>): Promise<number> {
  const { n } = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('published_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Published rows are kept a week, for looking into what went out. */
export async function deleteLongPublished(db: Kysely<MessagingTables>): Promise<void> {
  await db
    .deleteFrom('outbox')
    .where('published_at', '<', sql<Date>`now() - interval '7 days'`)
    .execute();
}
