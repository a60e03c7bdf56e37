import { describe, expect, it } from 'vitest';
import { PaymentSucceededData } from '../../contracts/events/payment-events.js';
import { payloadOf } from './event-payload.js';

const event = (data: unknown) => ({
  id: 'evt-1',
  type: 'payment.succeeded',
  version: 1,
  occurredAt: new Date().toISOString(),
  data,
  traceparent: null,
});

describe('payloadOf', () => {
  const valid = {
    paymentId: 'pay_1',
    orderId: 'ord_1',
    userId: 'usr_1',
    amount: { amount: 1999, currency: 'USD' },
    attempts: 1,
  };

  it('returns data that matches the schema, as often as it is asked', () => {
    expect(payloadOf(PaymentSucceededData, event(valid))).toEqual(valid);
    expect(payloadOf(PaymentSucceededData, event(valid)).orderId).toBe('ord_1');
  });

  it('refuses malformed data, naming the event and the first bad field', () => {
    expect(() => payloadOf(PaymentSucceededData, event({ ...valid, orderId: 42 }))).toThrow(
      /payment\.succeeded evt-1 has malformed data: \/orderId /,
    );
    expect(() => payloadOf(PaymentSucceededData, event(null))).toThrow(/payment\.succeeded evt-1 has malformed data/);
  });
});
