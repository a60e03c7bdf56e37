import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { PaymentsDb } from '../data/payments-db.js';
import type { PaymentProcessor } from '../processor/payment-processor.js';
import type { RetryPolicy } from './payment.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';

/** What the payments use cases work with. */
export interface PaymentsContext {
  db: Kysely<PaymentsDb>;
  outbox: Outbox<PaymentsDb>;
  processor: PaymentProcessor;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  retry: RetryPolicy;
  /** Tells the worker when to look for due payments. */
  work: WorkSignal;
}
