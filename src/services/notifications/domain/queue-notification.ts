import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import { insertNotifications } from '../data/notification-repository.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { subjectOf, type TemplateName } from '../templates/templates.js';
import { newNotificationId } from './notification.js';

/**
 * Events that deserve an email: queue one each, in the handler's transaction (one statement).
 * The sender worker sends them; the (event, template) key makes a redelivered event queue nothing more.
 */
export async function queueNotifications(
  trx: Kysely<NotificationsDb>,
  events: EventEnvelope<string, { userId: string }>[],
  template: TemplateName,
  now: Date,
): Promise<void> {
  await insertNotifications(
    trx,
    events.map((event) => ({
      id: newNotificationId(now),
      eventId: event.id,
      template,
      userId: event.data.userId,
      subject: subjectOf(template, event.data),
      data: event.data,
    })),
    now,
  );
}
