import type { Kysely } from 'kysely';
import { insertNotifications } from '../data/notification-repository.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { subjectOf, type TemplateName } from '../templates/templates.js';
import { newNotificationId } from './notification.js';

/** An event that deserves an email to the user it names: its id, and the data the template shows. */
export interface EmailCause {
  eventId: string;
  data: { userId: string };
}

/**
 * Events that deserve an email: queue one each, in the handler's transaction (one statement).
 * The sender worker sends them; the (event, template) key makes a redelivered event queue nothing more.
 */
export async function queueNotifications(
  trx: Kysely<NotificationsDb>,
  causes: EmailCause[],
  template: TemplateName,
  now: Date,
): Promise<void> {
  await insertNotifications(
    trx,
    causes.map(({ eventId, data }) => ({
      id: newNotificationId(now),
      eventId,
      template,
      userId: data.userId,
      subject: subjectOf(template, data),
      data,
    })),
    now,
  );
}
