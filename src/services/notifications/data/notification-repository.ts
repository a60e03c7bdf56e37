import { sql, type Compilable, type Kysely, type Selectable } from 'kysely';
import { recordsetOfJson } from '../../../platform/db/json-recordset.js';
import { queryTemplate } from '../../../platform/db/query-template.js';
import type { TemplateName } from '../templates/templates.js';
import type { NotificationsDb, NotificationsTable } from './notifications-db.js';

export type NotificationRow = Selectable<NotificationsTable>;

export async function upsertRecipient(db: Kysely<NotificationsDb>, r: { userId: string; email: string; name: string }, now: Date): Promise<void> {
  await db
    .insertInto('recipients')
    .values({ user_id: r.userId, email: r.email, name: r.name, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ email: r.email, name: r.name, updated_at: now }))
    .execute();
}

export interface NewNotification {
  id: string;
  eventId: string;
  template: TemplateName;
  userId: string;
  subject: string;
  data: unknown;
}

const queuedColumns = { id: 'text', event_id: 'text', template: 'text', user_id: 'text', subject: 'text', data: 'jsonb' } as const;

// Built once and run with new values: queueing, claiming and marking emails run for every order.
const insertQueued = queryTemplate<NotificationsDb, { rows: string; now: Date }>(['rows', 'now'], (db, p) =>
  db
    .insertInto('notifications')
    .columns(['id', 'event_id', 'template', 'user_id', 'channel', 'to_address', 'subject', 'data', 'status', 'attempts', 'next_attempt_at', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom(recordsetOfJson('queued', queuedColumns, p.rows))
        .select((qb) => [
          'queued.id',
          'queued.event_id',
          'queued.template',
          'queued.user_id',
          sql<string>`'email'`.as('channel'),
          qb.selectFrom('recipients').select('email').whereRef('recipients.user_id', '=', 'queued.user_id').as('to_address'),
          'queued.subject',
          'queued.data',
          sql<string>`'pending'`.as('status'),
          sql<number>`0`.as('attempts'),
          sql<Date>`${p.now}::timestamptz`.as('next_attempt_at'),
          sql<Date>`${p.now}::timestamptz`.as('created_at'),
        ]),
    )
    .onConflict((oc) => oc.columns(['event_id', 'template']).doNothing()),
);

/** Queues each email unless its event already did, in one statement; the address is the recipient's as known now. */
export async function insertNotifications(db: Kysely<NotificationsDb>, queued: NewNotification[], now: Date): Promise<void> {
  if (queued.length === 0) return;
  const rows = queued.map((n) => ({ id: n.id, event_id: n.eventId, template: n.template, user_id: n.userId, subject: n.subject, data: n.data ?? {} }));
  await insertQueued.execute(db, { rows: JSON.stringify(rows), now });
}

export interface ClaimedNotification extends NotificationRow {
  recipient_email: string | null;
  recipient_name: string | null;
}

const claimDue = queryTemplate<NotificationsDb, { now: Date; until: Date; limit: number }, ClaimedNotification>(['now', 'until', 'limit'], (db, p) =>
  db
    .with('claimed', (qc) =>
      qc
        .updateTable('notifications')
        .set({ claimed_until: p.until })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('notifications')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', p.now)
            .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', p.now)]))
            .orderBy('next_attempt_at')
            .limit(p.limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll(),
    )
    .selectFrom('claimed')
    .leftJoin('recipients as r', 'r.user_id', 'claimed.user_id')
    .selectAll('claimed')
    .select(['r.email as recipient_email', 'r.name as recipient_name']) as unknown as Compilable<ClaimedNotification>,
);

/**
 * Leases up to `limit` pending notifications that are due, skipping rows other instances hold,
 * together with their recipients. One statement, committed before anything is sent.
 */
export async function claimDueNotifications(db: Kysely<NotificationsDb>, now: Date, leaseMs: number, limit: number): Promise<ClaimedNotification[]> {
  return (await claimDue.execute(db, { now, until: new Date(now.getTime() + leaseMs), limit })).rows;
}

const markSentRows = queryTemplate<NotificationsDb, { rows: string; now: Date }>(['rows', 'now'], (db, p) =>
  db
    .updateTable('notifications')
    .from(recordsetOfJson<{ id: string; to_address: string }, 'sent'>('sent', { id: 'text', to_address: 'text' }, p.rows))
    .set((eb) => ({ status: 'sent', sent_at: p.now, to_address: eb.ref('sent.to_address'), claimed_until: null, last_error: null }))
    .whereRef('notifications.id', '=', sql.ref('sent.id')),
);

/** Records sent emails, one statement for all; their leases end. */
export async function markSent(db: Kysely<NotificationsDb>, sent: { id: string; to: string }[], now: Date): Promise<void> {
  if (sent.length === 0) return;
  await markSentRows.execute(db, { rows: JSON.stringify(sent.map(({ id, to }) => ({ id, to_address: to }))), now });
}

export async function markFailedAttempt(
  db: Kysely<NotificationsDb>,
  id: string,
  change: { status: 'pending' | 'failed'; attempts: number; nextAttemptAt: Date; error: string },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ status: change.status, attempts: change.attempts, next_attempt_at: change.nextAttemptAt, last_error: change.error, claimed_until: null })
    .where('id', '=', id)
    .execute();
}

/** One page of a user's notifications, newest first, after the id the previous page ended with. */
export async function listForUser(db: Kysely<NotificationsDb>, userId: string, before: string | undefined, limit: number): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .$if(before !== undefined, (qb) => qb.where('id', '<', before ?? ''))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
