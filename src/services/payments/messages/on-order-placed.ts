import { orderPlacedType, type OrderPlacedData } from '../../../contracts/events/order-events.js';
import type { Clock } from '../../../platform/clock.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { startPayments } from '../domain/start-payment.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';

export const onOrderPlaced = (clock: Clock, work: WorkSignal): Subscription<PaymentsDb> => ({
  event: orderPlacedType,
  handleBatch: async (events, trx) => {
    await startPayments(trx, events.map((event) => event.data as OrderPlacedData), clock.now());
    work.expect();
  },
});
