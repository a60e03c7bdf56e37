import { OrderConfirmedData, orderConfirmedType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { NotificationsContext } from '../domain/notifications-context.js';
import { queueNotifications } from '../domain/queue-notification.js';

/** Paid and confirmed: the customer is emailed. A batch is queued in one statement, then the sender is told to look. */
export function onOrderConfirmed(ctx: NotificationsContext): Subscription<NotificationsDb> {
  return {
    event: orderConfirmedType,
    async handleBatch(events, trx) {
      const causes = events.map((event) => ({ eventId: event.id, data: payloadOf(OrderConfirmedData, event) }));
      await queueNotifications(trx, causes, 'order_confirmed', ctx.clock.now());
      ctx.work.expect();
    },
  };
}
