import type { Kysely } from 'kysely';
import type { UserRegisteredData } from '../../../contracts/events/identity-events.js';
import { upsertRecipient } from '../data/notification-repository.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { queueNotifications } from './queue-notification.js';

/** A new account: remember where to write to this user, and send the welcome email. */
export async function welcomeUser(
  trx: Kysely<NotificationsDb>,
  cause: { eventId: string; data: UserRegisteredData },
  now: Date,
): Promise<void> {
  const { userId, email, name } = cause.data;
  await upsertRecipient(trx, { userId, email, name }, now);
  await queueNotifications(trx, [cause], 'welcome', now);
}
