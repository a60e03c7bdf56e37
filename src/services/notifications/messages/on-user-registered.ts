import { userRegisteredType, type UserRegistered } from '../../../contracts/events/identity-events.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';
import { welcomeUser } from '../domain/welcome-user.js';

export const onUserRegistered = (clock: Clock, work: WorkSignal): Subscription<NotificationsDb> => ({
  event: userRegisteredType,
  handle: async (event, trx) => {
    await welcomeUser(trx, event as UserRegistered, clock.now());
    work.expect();
  },
});
