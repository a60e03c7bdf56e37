import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import type { PaymentsDb } from './data/payments-db.js';
import type { PaymentsContext } from './domain/payments-context.js';
import { processDuePayments } from './domain/process-due-payments.js';
import { WorkSignal } from '../../platform/runtime/work-signal.js';
import { onOrderCancelled } from './messages/on-order-cancelled.js';
import { onOrderPlaced } from './messages/on-order-placed.js';
import type { PaymentProcessor } from './processor/payment-processor.js';
import { SimulatedCardProcessor } from './processor/simulated-card-processor.js';

export interface PaymentsOptions {
  /** The card processor; the built-in simulated one when not given. */
  processor?: PaymentProcessor;
}

/**
 * Payments: one payment per placed order, charged by a background worker through the processor
 * port with retries and backoff; refunds for cancelled orders. No public routes: orders show the
 * payment status they learn from the payment events.
 */
export function createPaymentsService(deps: ServiceDeps, options: PaymentsOptions = {}): ServiceModule {
  // No requests: charging is background work.
  const db = deps.db.forSchema<PaymentsDb>('payments', 'background');
  const ctx: PaymentsContext = {
    db,
    outbox: deps.backgroundOutbox,
    processor: options.processor ?? new SimulatedCardProcessor(db, deps.clock),
    clock: deps.clock,
    logger: deps.logger,
    metrics: deps.metrics,
    retry: { baseMs: deps.config.paymentRetryBaseMs, maxAttempts: deps.config.paymentMaxAttempts },
    work: new WorkSignal(1_000),
  };

  return {
    name: 'payments',
    subscriptions: [onOrderPlaced(ctx), onOrderCancelled(ctx)],
    jobs: [
      {
        name: 'charge-and-refund-payments',
        everyMs: 50,
        run: async () => {
          if (!ctx.work.shouldLook()) return;
          // Rounds go on while there is work, so a burst of orders is not paced by the timer.
          const { handled, lastLookAt } = await processDuePayments(ctx);
          if (handled > 0) ctx.work.drained(lastLookAt);
        },
      },
    ],
  };
}
