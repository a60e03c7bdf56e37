import { orderCancelledType, type OrderCancelledData } from '../../../contracts/events/order-events.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { cancelOrderPayment } from '../domain/cancel-order-payment.js';

export const onOrderCancelled = (clock: Clock): Subscription<PaymentsDb> => ({
  event: orderCancelledType,
  handle: (event, trx) => cancelOrderPayment(trx, event.data as OrderCancelledData, clock.now()),
});
