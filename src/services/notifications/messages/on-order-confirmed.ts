import { orderConfirmedType, type OrderConfirmedData } from '../../../contracts/events/order-events.js';
import type { EventEnvelope } from '../../../contracts/events/envelope.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';
import { queueNotifications } from '../domain/queue-notification.js';

export const onOrderConfirmed = (clock: Clock, work: WorkSignal): Subscription<NotificationsDb> => ({
  event: orderConfirmedType,
  handleBatch: async (events, trx) => {
    await queueNotifications(trx, events as EventEnvelope<string, OrderConfirmedData>[], 'order_confirmed', clock.now());
    work.expect();
  },
});
