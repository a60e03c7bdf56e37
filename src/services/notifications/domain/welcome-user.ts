import type { Kysely } from 'kysely';
import type { UserRegistered } from '../../../contracts/events/identity-events.js';
import { upsertRecipient } from '../data/notification-repository.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { queueNotifications } from './queue-notification.js';

/** A new account: remember where to write to this user, and send the welcome email. */
export async function welcomeUser(trx: Kysely<NotificationsDb>, event: UserRegistered, now: Date): Promise<void> {
  const { userId, email, name } = event.data;
  await upsertRecipient(trx, { userId, email, name }, now);
  await queueNotifications(trx, [event], 'welcome', now);
}
