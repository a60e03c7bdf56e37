import { sql, type Kysely, type Selectable } from 'kysely';
import { recordsetOfJson } from '../../../platform/db/json-recordset.js';
import type { TemplateName } from '../templates/templates.js';
import type { NotificationsDb, NotificationsTable } from './notifications-db.js';

export type NotificationRow = Selectable<NotificationsTable>;

export async function upsertRecipient(
  db: Kysely<NotificationsDb>,
  r: { userId: string; email: string; name: string },
  now: Date,
): Promise<void> {
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

/**
 * Queues each email unless its event already did, in one statement; the address is the recipient's
 * as known now. The emails go in as one JSON parameter: one SQL text whatever their number.
 */
export async function insertNotifications(
  db: Kysely<NotificationsDb>,
  queued: NewNotification[],
  now: Date,
): Promise<void> {
  if (queued.length === 0) return;
  const rows = JSON.stringify(
    queued.map((n) => ({
      id: n.id,
      event_id: n.eventId,
      template: n.template,
      user_id: n.userId,
      subject: n.subject,
      data: n.data ?? {},
    })),
  );
  const columns = { id: 'text', event_id: 'text', template: 'text', user_id: 'text', subject: 'text', data: 'jsonb' };
  await db
    .insertInto('notifications')
    .columns([
      'id',
      'event_id',
      'template',
      'user_id',
      'channel',
      'to_address',
      'subject',
      'data',
      'status',
      'attempts',
      'next_attempt_at',
      'created_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom(recordsetOfJson<Record<keyof typeof columns, string>, 'queued'>('queued', columns, rows))
        .leftJoin('recipients', 'recipients.user_id', 'queued.user_id')
        .select([
          'queued.id',
          'queued.event_id',
          'queued.template',
          'queued.user_id',
          sql.lit('email').as('channel'),
          'recipients.email as to_address',
          'queued.subject',
          'queued.data',
          sql.lit('pending').as('status'),
          sql.lit(0).as('attempts'),
          sql<Date>`${now}::timestamptz`.as('next_attempt_at'),
          sql<Date>`${now}::timestamptz`.as('created_at'),
        ]),
    )
    .onConflict((oc) => oc.columns(['event_id', 'template']).doNothing())
    .execute();
}

export interface ClaimedNotification extends NotificationRow {
  recipient_email: string | null;
  recipient_name: string | null;
}

/**
 * Leases up to `limit` pending notifications that are due, skipping rows other instances hold,
 * together with their recipients. One statement, committed before anything is sent.
 */
export async function claimDueNotifications(
  db: Kysely<NotificationsDb>,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<ClaimedNotification[]> {
  return db
    .with('claimed', (qc) =>
      qc
        .updateTable('notifications')
        .set({ claimed_until: new Date(now.getTime() + leaseMs) })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('notifications')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
            .orderBy('next_attempt_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll(),
    )
    .selectFrom('claimed')
    .leftJoin('recipients as r', 'r.user_id', 'claimed.user_id')
    .selectAll('claimed')
    .select(['r.email as recipient_email', 'r.name as recipient_name'])
    .execute();
}

/** Records sent emails, one statement for all; their leases end. */
export async function markSent(
  db: Kysely<NotificationsDb>,
  sent: { id: string; to: string }[],
  now: Date,
): Promise<void> {
  if (sent.length === 0) return;
  const rows = JSON.stringify(sent.map(({ id, to }) => ({ id, to_address: to })));
  await db
    .updateTable('notifications')
    .from(recordsetOfJson<{ id: string; to_address: string }, 'sent'>('sent', { id: 'text', to_address: 'text' }, rows))
    .set((eb) => ({
      status: 'sent',
      sent_at: now,
      to_address: eb.ref('sent.to_address'),
      claimed_until: null,
      last_error: null,
    }))
    .whereRef('notifications.id', '=', sql.ref('sent.id'))
    .execute();
}

export async function markFailedAttempt(
  db: Kysely<NotificationsDb>,
  id: string,
  change: { status: 'pending' | 'failed'; attempts: number; nextAttemptAt: Date; error: string },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({
      status: change.status,
      attempts: change.attempts,
      next_attempt_at: change.nextAttemptAt,
      last_error: change.error,
      claimed_until: null,
    })
    .where('id', '=', id)
    .execute();
}

/** One page of a user's notifications, newest first, after the id the previous page ended with. */
export async function listForUser(
  db: Kysely<NotificationsDb>,
  userId: string,
  before: string | undefined,
  limit: number,
): Promise<NotificationRow[]> {
  return db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .$if(before !== undefined, (qb) => qb.where('id', '<', before ?? ''))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
