import { invalidCursor } from '../../../platform/http/errors.js';
import { listForUser, type NotificationRow } from '../data/notification-repository.js';
import type { TemplateName } from '../templates/templates.js';
import type { NotificationsContext } from './notifications-context.js';

export interface NotificationView {
  id: string;
  type: TemplateName;
  channel: 'email';
  to: string | null;
  subject: string;
  status: 'pending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
}

const view = (row: NotificationRow): NotificationView => ({
  id: row.id,
  type: row.template,
  channel: row.channel,
  to: row.to_address,
  subject: row.subject,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  sentAt: row.sent_at?.toISOString() ?? null,
});

/** A user's own notifications, newest first; the cursor is the last id shown (ids sort by time). */
export async function listNotifications(
  ctx: NotificationsContext,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
  const before = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const rows = await listForUser(ctx.db, userId, before, page.limit + 1);
  const items = rows.slice(0, page.limit).map(view);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > page.limit && last ? Buffer.from(last.id).toString('base64url') : null };
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^ntf_[0-9a-f]{32}$/.test(id))
    throw invalidCursor('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  return id;
}
