import { describe, expect, it } from 'vitest';
import { Order, OrderTransitionError } from './order.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const t0 = new Date('2026-01-01T10:00:00.000Z');
const t1 = new Date('2026-01-01T10:05:00.000Z');
const t2 = new Date('2026-01-01T11:00:00.000Z');
const address = { name: 'Ada', line1: '1 Way', city: 'London', postalCode: 'N1', country: 'GB' };

const place = () =>
  Order.place({
    id: 'ord_1',
    userId: 'usr_1',
    lines: [
      { productId: 'p1', sku: 'A', name: 'Lamp', unitPrice: usd(1999), quantity: 2 },
      { productId: 'p2', sku: 'B', name: 'Bulb', unitPrice: usd(250), quantity: 3 },
    ],
    shippingAddress: address,
    paymentToken: 'tok_visa',
    at: t0,
  });

describe('Order', () => {
  it('is placed waiting for payment, with line totals, total and order.placed', () => {
    const { order, events } = place();
    const s = order.snapshot;
    expect(s.status).toBe('pending_payment');
    expect(s.items.map((l) => l.lineTotal)).toEqual([usd(3998), usd(750)]);
    expect(s.total).toEqual(usd(4748));
    expect(s.payment).toEqual({ status: 'pending', attempts: 0 });
    expect(s.history).toEqual([{ status: 'pending_payment', at: t0.toISOString() }]);
    expect(events).toEqual([
      {
        type: 'order.placed',
        data: { orderId: 'ord_1', userId: 'usr_1', items: s.items, total: usd(4748), payment: { token: 'tok_visa' } },
      },
    ]);
  });

  it('refuses an order without lines or with mixed currencies', () => {
    expect(() =>
      Order.place({ id: 'o', userId: 'u', lines: [], shippingAddress: address, paymentToken: 't', at: t0 }),
    ).toThrow();
    expect(() =>
      Order.place({
        id: 'o',
        userId: 'u',
        lines: [
          { productId: 'p1', sku: 'A', name: 'A', unitPrice: usd(1), quantity: 1 },
          { productId: 'p2', sku: 'B', name: 'B', unitPrice: { amount: 1, currency: 'EUR' }, quantity: 1 },
        ],
        shippingAddress: address,
        paymentToken: 't',
        at: t0,
      }),
    ).toThrow();
  });

  it('is confirmed by a payment once; repeats raise nothing', () => {
    const { order } = place();
    expect(order.paymentSucceeded(1, t1).map((e) => e.type)).toEqual(['order.confirmed']);
    expect(order.paymentSucceeded(1, t2)).toEqual([]);
    expect(order.snapshot).toMatchObject({
      status: 'confirmed',
      payment: { status: 'succeeded', attempts: 1 },
      updatedAt: t1,
    });
    expect(order.snapshot.history.map((h) => h.status)).toEqual(['pending_payment', 'confirmed']);
  });

  it('is cancelled by a declined payment, with the status it left', () => {
    const { order } = place();
    const [event] = order.paymentFailed(2, t1);
    expect(event).toMatchObject({
      type: 'order.cancelled',
      data: { reason: 'payment_declined', previousStatus: 'pending_payment' },
    });
    expect(order.snapshot).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'payment_declined',
      payment: { status: 'failed', attempts: 2 },
    });
    expect(order.paymentFailed(2, t2)).toEqual([]);
  });

  it('stays cancelled when a payment succeeds late, and never moves the payment status backwards', () => {
    const { order } = place();
    order.cancel('payment_timeout', t1);
    expect(order.paymentSucceeded(1, t2)).toEqual([]);
    expect(order.snapshot).toMatchObject({ status: 'cancelled', payment: { status: 'succeeded' } });
    order.paymentRefunded(t2);
    order.paymentSucceeded(1, t2);
    order.paymentFailed(1, t2);
    expect(order.snapshot.payment.status).toBe('refunded');
  });

  it('is cancelled by its customer while pending or confirmed, never after shipping or twice', () => {
    const pending = place().order;
    expect(pending.cancel('customer_request', t1)[0]).toMatchObject({
      data: { previousStatus: 'pending_payment', reason: 'customer_request' },
    });
    expect(() => pending.cancel('customer_request', t2)).toThrow(OrderTransitionError);

    const confirmed = place().order;
    confirmed.paymentSucceeded(1, t1);
    expect(confirmed.cancel('customer_request', t2)[0]).toMatchObject({ data: { previousStatus: 'confirmed' } });
    expect(confirmed.snapshot.history.map((h) => h.status)).toEqual(['pending_payment', 'confirmed', 'cancelled']);

    const paid = place().order;
    paid.paymentSucceeded(1, t1);
    expect(() => paid.cancel('payment_timeout', t2)).toThrow(OrderTransitionError);
    paid.ship({ carrier: 'DHL', trackingNumber: '1' }, t2);
    expect(() => paid.cancel('customer_request', t2)).toThrow(OrderTransitionError);
  });

  it('ships only confirmed orders', () => {
    const { order } = place();
    expect(() => order.ship({ carrier: 'DHL', trackingNumber: '1' }, t1)).toThrow(OrderTransitionError);
    order.paymentSucceeded(1, t1);
    const [event] = order.ship({ carrier: 'DHL', trackingNumber: 'JD1' }, t2);
    expect(event).toMatchObject({
      type: 'order.shipped',
      data: { orderId: 'ord_1', carrier: 'DHL', trackingNumber: 'JD1' },
    });
    expect(order.snapshot).toMatchObject({ status: 'shipped', shipment: { carrier: 'DHL', trackingNumber: 'JD1' } });
    expect(() => order.ship({ carrier: 'DHL', trackingNumber: 'JD1' }, t2)).toThrow(OrderTransitionError);
  });

  it('keeps a snapshot as it was when the order, or one restored from it, changes later', () => {
    const { order } = place();
    const before = order.snapshot;
    order.paymentSucceeded(1, t1);
    order.cancel('customer_request', t2);
    const restored = Order.restore(before);
    restored.paymentSucceeded(1, t1);
    restored.ship({ carrier: 'DHL', trackingNumber: 'JD1' }, t2);
    expect(before).toMatchObject({
      status: 'pending_payment',
      payment: { status: 'pending', attempts: 0 },
      cancellationReason: null,
      shipment: null,
      updatedAt: t0,
    });
    expect(before.history.map((h) => h.status)).toEqual(['pending_payment']);
  });

  it('tells whether it changed since it was restored: a fact it already knew changes nothing', () => {
    const { order } = place();
    order.paymentSucceeded(1, t1);
    const restored = Order.restore(order.snapshot);
    expect(restored.changed).toBe(false);
    expect(restored.paymentSucceeded(1, t2)).toEqual([]);
    expect(restored.changed).toBe(false);
    restored.ship({ carrier: 'DHL', trackingNumber: 'JD1' }, t2);
    expect(restored.changed).toBe(true);
  });
});
