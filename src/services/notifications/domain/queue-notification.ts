import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import { insertNotification } from '../data/notification-repository.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { subjectOf, type TemplateName } from '../templates/templates.js';
import { newNotificationId } from './notification.js';

/**
 * An event that deserves an email: queue one, in the handler's transaction. The sender worker
 * sends it; the (event, template) key makes a redelivered event queue nothing more.
 */
export async function queueNotification(
  trx: Kysely<NotificationsDb>,
  event: EventEnvelope<string, { userId: string }>,
  template: TemplateName,
  now: Date,
): Promise<void> {
  await insertNotification(
    trx,
    { id: newNotificationId(now), eventId: event.id, template, userId: event.data.userId, subject: subjectOf(template, event.data), data: event.data },
    now,
  );
}
