import { OrderCancelledData, orderCancelledType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { NotificationsContext } from '../domain/notifications-context.js';
import { queueNotifications } from '../domain/queue-notification.js';

/** Cancelled (declined, not paid in time, or by the customer): the customer is emailed why. */
export function onOrderCancelled(ctx: NotificationsContext): Subscription<NotificationsDb> {
  return {
    event: orderCancelledType,
    async handleBatch(events, trx) {
      const causes = events.map((event) => ({ eventId: event.id, data: payloadOf(OrderCancelledData, event) }));
      await queueNotifications(trx, causes, 'order_cancelled', ctx.clock.now());
      ctx.work.expect();
    },
  };
}
