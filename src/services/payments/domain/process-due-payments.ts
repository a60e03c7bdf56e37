import { applyChanges, claimDuePayments, lockByIds } from '../data/payment-repository.js';
import { TransientProcessorError } from '../processor/payment-processor.js';
import {
  recordCharge,
  recordRefund,
  type ChargeOutcome,
  type Payment,
  type PaymentChange,
  type RefundOutcome,
} from './payment.js';
import type { PaymentsContext } from './payments-context.js';

/** Long enough for any processor call to finish; a crashed worker's payments wait this long. */
const leaseMs = 30_000;
/** Payments leased per round; their processor calls run at once. */
const batchSize = 100;
/**
 * Rounds under way at once: the next round leases while earlier ones wait on the processor and
 * on their commit. One round at a time lagged a busy shop's confirmations by its whole length.
 */
const roundsAtOnce = 3;

type Answer = { payment: Payment; charge: ChargeOutcome } | { payment: Payment; refund: RefundOutcome };

/**
 * The payments worker until no payment is due, safe with any number of instances. Each round
 * leases due payments (one statement), calls the processor for each with no transaction open,
 * then records every answer and its events in one transaction. The processor's idempotency keys
 * make a repeated call (a lease that ran out, a crash before recording) answer as the first one did.
 * Returns how many payments it handled and when the look that found none due started.
 */
export async function processDuePayments(ctx: PaymentsContext): Promise<{ handled: number; lastLookAt: number }> {
  const rounds = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let handled = 0;
  let lastLookAt = Date.now();
  while (!failure) {
    lastLookAt = Date.now();
    const claimed = await claimDuePayments(ctx.db, ctx.clock.now(), leaseMs, batchSize);
    if (claimed.length > 0) {
      handled += claimed.length;
      // A failed round's leases run out and its payments come round again.
      const round: Promise<void> = settle(ctx, claimed)
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => rounds.delete(round));
      rounds.add(round);
    } else if (rounds.size === 0) break;
    // A full lease means more are due now; otherwise look again once a round is done.
    if (claimed.length < batchSize || rounds.size >= roundsAtOnce) await Promise.race(rounds);
  }
  await Promise.all(rounds);
  if (failure) throw failure.error;
  return { handled, lastLookAt };
}

async function settle(ctx: PaymentsContext, claimed: Payment[]): Promise<void> {
  const answers = await Promise.all(claimed.map((payment) => callProcessor(ctx, payment)));
  const facts = await ctx.outbox.transaction(async (trx, emit) => {
    const now = ctx.clock.now();
    const current = new Map(
      (
        await lockByIds(
          trx,
          claimed.map((p) => p.id),
        )
      ).map((p) => [p.id, p]),
    );
    const changes: PaymentChange[] = [];
    const decided: { id: string; change: PaymentChange }[] = [];
    for (const answer of answers) {
      const payment = current.get(answer.payment.id);
      if (!payment) continue;
      const change =
        'charge' in answer
          ? recordCharge(payment, answer.charge, now, ctx.retry)
          : recordRefund(payment, answer.refund, now, ctx.retry);
      decided.push({ id: payment.id, change });
      if (change.set.nextAttemptAt) ctx.work.expectAt(change.set.nextAttemptAt);
      changes.push(change);
    }
    await applyChanges(trx, decided, now);
    await emit(changes.flatMap((c) => c.events));
    return changes.flatMap((c) => (c.fact ? [c.fact] : []));
  });
  for (const event of facts) ctx.metrics.business.inc({ event });
}

async function callProcessor(ctx: PaymentsContext, payment: Payment): Promise<Answer> {
  try {
    if (payment.status === 'refund_pending') {
      const { refundId } = await ctx.processor.refund({
        idempotencyKey: `refund:${payment.id}`,
        chargeId: payment.chargeId ?? '',
        amount: payment.amount,
      });
      return { payment, refund: { kind: 'refunded', refundId } };
    }
    const result = await ctx.processor.charge({
      idempotencyKey: payment.id,
      amount: payment.amount,
      token: payment.token,
      description: `Order ${payment.orderId}`,
    });
    return {
      payment,
      charge:
        result.status === 'succeeded'
          ? { kind: 'succeeded', chargeId: result.chargeId }
          : { kind: 'declined', code: result.code },
    };
  } catch (err) {
    // Anything but a clear answer may have reached the processor: retry with the same key.
    if (!(err instanceof TransientProcessorError))
      ctx.logger.error({ err, paymentId: payment.id }, 'payment processor call failed');
    else ctx.logger.warn({ paymentId: payment.id, reason: err.message }, 'payment processor failed transiently');
    return payment.status === 'refund_pending'
      ? { payment, refund: { kind: 'transient' } }
      : { payment, charge: { kind: 'transient' } };
  }
}
