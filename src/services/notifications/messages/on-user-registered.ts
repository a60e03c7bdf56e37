import { userRegisteredType, type UserRegistered } from '../../../contracts/events/identity-events.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { welcomeUser } from '../domain/welcome-user.js';

export const onUserRegistered = (clock: Clock): Subscription<NotificationsDb> => ({
  event: userRegisteredType,
  handle: (event, trx) => welcomeUser(trx, event as UserRegistered, clock.now()),
});
