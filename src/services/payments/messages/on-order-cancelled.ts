import { orderCancelledType, type OrderCancelledData } from '../../../contracts/events/order-events.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { cancelOrderPayment } from '../domain/cancel-order-payment.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';

export const onOrderCancelled = (clock: Clock, work: WorkSignal): Subscription<PaymentsDb> => ({
  event: orderCancelledType,
  handle: async (event, trx) => {
    await cancelOrderPayment(trx, event.data as OrderCancelledData, clock.now());
    // A refund may now be due.
    work.expect();
  },
});
