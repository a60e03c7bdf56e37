import { UserRegisteredData, userRegisteredType } from '../../../contracts/events/identity-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { NotificationsContext } from '../domain/notifications-context.js';
import { welcomeUser } from '../domain/welcome-user.js';

/** A new account: its address is kept for later emails, and the welcome email is queued. */
export function onUserRegistered(ctx: NotificationsContext): Subscription<NotificationsDb> {
  return {
    event: userRegisteredType,
    async handle(event, trx) {
      await welcomeUser(trx, { eventId: event.id, data: payloadOf(UserRegisteredData, event) }, ctx.clock.now());
      ctx.work.expect();
    },
  };
}
