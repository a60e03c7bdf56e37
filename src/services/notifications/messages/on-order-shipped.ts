import { OrderShippedData, orderShippedType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { NotificationsContext } from '../domain/notifications-context.js';
import { queueNotifications } from '../domain/queue-notification.js';

/** Handed to a carrier: the customer is emailed the tracking number. */
export function onOrderShipped(ctx: NotificationsContext): Subscription<NotificationsDb> {
  return {
    event: orderShippedType,
    async handleBatch(events, trx) {
      const causes = events.map((event) => ({ eventId: event.id, data: payloadOf(OrderShippedData, event) }));
      await queueNotifications(trx, causes, 'order_shipped', ctx.clock.now());
      ctx.work.expect();
    },
  };
}
