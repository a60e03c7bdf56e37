import type { NewEvent } from '../../../contracts/events/envelope.js';
import { paymentFailed, paymentRefunded, paymentSucceeded } from '../../../contracts/events/payment-events.js';
import type { Money } from '../../../contracts/money.js';
import type { PaymentStatus } from '../data/payments-db.js';

/** A payment as its rules see it. */
export interface Payment {
  id: string;
  orderId: string;
  userId: string;
  amount: Money;
  token: string;
  status: PaymentStatus;
  attempts: number;
  refundAttempts: number;
  chargeId: string | null;
}

export interface RetryPolicy {
  /** Wait before the first retry; doubles with every attempt. */
  baseMs: number;
  maxAttempts: number;
}

export type ChargeOutcome =
  { kind: 'succeeded'; chargeId: string } | { kind: 'declined'; code: string } | { kind: 'transient' };
export type RefundOutcome = { kind: 'refunded'; refundId: string } | { kind: 'transient' };

/** What a decision changes: the new state, events to publish, and the business fact to count. */
export interface PaymentChange {
  set: Partial<Pick<Payment, 'status' | 'attempts' | 'refundAttempts' | 'chargeId'>> & {
    nextAttemptAt?: Date;
    failureReason?: string;
    refundId?: string;
  };
  events: NewEvent[];
  fact?: 'payment_succeeded' | 'payment_failed' | 'payment_refunded';
}

const none: PaymentChange = { set: {}, events: [] };
const backoff = (now: Date, baseMs: number, attempt: number) =>
  new Date(now.getTime() + baseMs * 2 ** Math.max(0, attempt - 1));
const ref = (p: Payment) => ({ paymentId: p.id, orderId: p.orderId, userId: p.userId, amount: p.amount });

/**
 * The result of a charge attempt. A payment cancelled while its charge was in flight is never left
 * holding the customer's money: a charge that went through is queued for a refund instead.
 */
export function recordCharge(p: Payment, outcome: ChargeOutcome, now: Date, policy: RetryPolicy): PaymentChange {
  const attempts = p.attempts + 1;
  if (p.status === 'cancelled') {
    return outcome.kind === 'succeeded'
      ? { set: { status: 'refund_pending', attempts, chargeId: outcome.chargeId, nextAttemptAt: now }, events: [] }
      : { set: { attempts }, events: [] };
  }
  // Already decided (another instance recorded the same idempotent answer first).
  if (p.status !== 'pending') return none;
  switch (outcome.kind) {
    case 'succeeded':
      return {
        set: { status: 'succeeded', attempts, chargeId: outcome.chargeId },
        events: [paymentSucceeded({ ...ref(p), attempts })],
        fact: 'payment_succeeded',
      };
    case 'declined':
      return fail(p, attempts, outcome.code);
    case 'transient':
      if (attempts >= policy.maxAttempts) return fail(p, attempts, 'processing_error');
      return { set: { attempts, nextAttemptAt: backoff(now, policy.baseMs, attempts) }, events: [] };
  }
}

function fail(p: Payment, attempts: number, reason: string): PaymentChange {
  return {
    set: { status: 'failed', attempts, failureReason: reason },
    events: [paymentFailed({ ...ref(p), attempts, reason })],
    fact: 'payment_failed',
  };
}

/** The order was cancelled: money taken goes back, a charge not yet made never happens. */
export function cancelPayment(p: Payment, now: Date): PaymentChange {
  switch (p.status) {
    case 'pending':
      return { set: { status: 'cancelled' }, events: [] };
    case 'succeeded':
      return { set: { status: 'refund_pending', nextAttemptAt: now }, events: [] };
    default:
      return none;
  }
}

export function recordRefund(p: Payment, outcome: RefundOutcome, now: Date, policy: RetryPolicy): PaymentChange {
  if (p.status !== 'refund_pending') return none;
  const refundAttempts = p.refundAttempts + 1;
  if (outcome.kind === 'transient') {
    // Money we owe back is never given up on: keep trying, at most every 10 minutes.
    const wait = Math.min(policy.baseMs * 2 ** Math.min(refundAttempts - 1, 20), 600_000);
    return { set: { refundAttempts, nextAttemptAt: new Date(now.getTime() + wait) }, events: [] };
  }
  return {
    set: { status: 'refunded', refundAttempts, refundId: outcome.refundId },
    events: [paymentRefunded(ref(p))],
    fact: 'payment_refunded',
  };
}
