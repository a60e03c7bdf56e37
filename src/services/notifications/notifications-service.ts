import type { Mailer } from '../../platform/mail/mailer.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import type { NotificationsDb } from './data/notifications-db.js';
import type { NotificationsContext } from './domain/notifications-context.js';
import { sendDueNotifications } from './domain/send-due-notifications.js';
import { WorkSignal } from '../../platform/runtime/work-signal.js';
import { registerNotificationRoutes } from './http/notification-routes.js';
import { onOrderCancelled } from './messages/on-order-cancelled.js';
import { onOrderConfirmed } from './messages/on-order-confirmed.js';
import { onOrderShipped } from './messages/on-order-shipped.js';
import { onUserRegistered } from './messages/on-user-registered.js';

/**
 * Notifications: one email per event (welcome, order confirmed, cancelled, shipped), queued in the
 * consumer's transaction and delivered by a background sender that retries until the mail server
 * takes it. Users list their own notifications.
 */
export function createNotificationsService(deps: ServiceDeps, peers: { mailer: Mailer }): ServiceModule {
  const ctx: NotificationsContext = {
    db: deps.db.forSchema<NotificationsDb>('notifications'),
    mailer: peers.mailer,
    from: deps.config.mailFrom,
    clock: deps.clock,
    logger: deps.logger,
    // About 20 attempts over several hours before an email is marked failed.
    delivery: { baseMs: deps.config.eventRetryBaseMs, maxDelayMs: 15 * 60_000, maxAttempts: 20 },
    work: new WorkSignal(1_000),
  };

  return {
    name: 'notifications',
    routes: (app) => registerNotificationRoutes(app, ctx, deps.auth),
    subscriptions: [onUserRegistered, onOrderConfirmed, onOrderCancelled, onOrderShipped].map((on) => on(ctx)),
    jobs: [
      {
        name: 'send-notifications',
        everyMs: 100,
        run: async () => {
          if (!ctx.work.shouldLook()) return;
          for (let round = 0; ; round += 1) {
            const started = Date.now();
            if ((await sendDueNotifications(ctx)) > 0) continue;
            if (round > 0) ctx.work.drained(started);
            return;
          }
        },
      },
    ],
    stop: () => ctx.mailer.close(),
  };
}
