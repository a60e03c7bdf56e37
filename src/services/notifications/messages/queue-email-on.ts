import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import { queueNotifications } from '../domain/queue-notification.js';
import type { TemplateName } from '../templates/templates.js';

/** An event about a user's order that deserves an email: a batch of them is queued at once, then the sender is told. */
export const queueEmailOn =
  (type: string, template: TemplateName) =>
  (clock: Clock, work: WorkSignal): Subscription<NotificationsDb> => ({
    event: type,
    handleBatch: async (events, trx) => {
      await queueNotifications(trx, events as EventEnvelope<string, { userId: string }>[], template, clock.now());
      work.expect();
    },
  });
