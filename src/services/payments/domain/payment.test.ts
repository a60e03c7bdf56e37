import { describe, expect, it } from 'vitest';
import { cancelPayment, recordCharge, recordRefund, type Payment } from './payment.js';

const now = new Date('2026-01-01T00:00:00Z');
const policy = { baseMs: 100, maxAttempts: 3 };
const pending: Payment = {
  id: 'pay_1',
  orderId: 'ord_1',
  userId: 'usr_1',
  amount: { amount: 500, currency: 'USD' },
  token: 'tok_visa',
  status: 'pending',
  attempts: 0,
  refundAttempts: 0,
  chargeId: null,
};

describe('payment rules', () => {
  it('backs off exponentially on transient failures, then gives up as processing_error', () => {
    const first = recordCharge(pending, { kind: 'transient' }, now, policy);
    expect(first.set).toEqual({ attempts: 1, nextAttemptAt: new Date(now.getTime() + 100) });
    const second = recordCharge({ ...pending, attempts: 1 }, { kind: 'transient' }, now, policy);
    expect(second.set.nextAttemptAt).toEqual(new Date(now.getTime() + 200));
    const last = recordCharge({ ...pending, attempts: 2 }, { kind: 'transient' }, now, policy);
    expect(last.set).toMatchObject({ status: 'failed', attempts: 3, failureReason: 'processing_error' });
    expect(last.events).toMatchObject([{ type: 'payment.failed', data: { reason: 'processing_error', attempts: 3 } }]);
  });

  it('queues a refund for a charge that went through after the order was cancelled', () => {
    const change = recordCharge(
      { ...pending, status: 'cancelled' },
      { kind: 'succeeded', chargeId: 'ch_1' },
      now,
      policy,
    );
    expect(change.set).toMatchObject({ status: 'refund_pending', chargeId: 'ch_1' });
    expect(change.events).toEqual([]);
  });

  it('ignores an answer for a payment already decided', () => {
    expect(
      recordCharge({ ...pending, status: 'succeeded' }, { kind: 'succeeded', chargeId: 'ch_1' }, now, policy).events,
    ).toEqual([]);
  });

  it('cancels a pending payment, refunds a paid one, leaves the rest', () => {
    expect(cancelPayment(pending, now).set.status).toBe('cancelled');
    expect(cancelPayment({ ...pending, status: 'succeeded' }, now).set.status).toBe('refund_pending');
    expect(cancelPayment({ ...pending, status: 'failed' }, now).set).toEqual({});
    expect(cancelPayment({ ...pending, status: 'refunded' }, now).set).toEqual({});
  });

  it('refunds once and keeps retrying a refund that fails transiently', () => {
    const owed = { ...pending, status: 'refund_pending' as const, chargeId: 'ch_1' };
    expect(recordRefund(owed, { kind: 'transient' }, now, policy).set.status).toBeUndefined();
    const done = recordRefund(owed, { kind: 'refunded', refundId: 're_1' }, now, policy);
    expect(done.set).toMatchObject({ status: 'refunded', refundId: 're_1' });
    expect(done.events).toMatchObject([{ type: 'payment.refunded' }]);
    expect(
      recordRefund({ ...owed, status: 'refunded' }, { kind: 'refunded', refundId: 're_1' }, now, policy).events,
    ).toEqual([]);
  });
});
