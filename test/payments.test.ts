import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCancelled, orderPlaced, type CancellationReason } from '../src/contracts/events/order-events.js';
import { writeOutboxEvents } from '../src/platform/messaging/outbox.js';
import type { PaymentsDb } from '../src/services/payments/data/payments-db.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';
import { quiescent } from './support/quiescence.js';

const total = { amount: 4250, currency: 'USD' };
const items = [
  {
    productId: 'prod_1',
    sku: 'MUG-1',
    name: 'Mug',
    unitPrice: { amount: 1250, currency: 'USD' },
    quantity: 2,
    lineTotal: { amount: 2500, currency: 'USD' },
  },
  {
    productId: 'prod_2',
    sku: 'TEA-1',
    name: 'Tea',
    unitPrice: { amount: 1750, currency: 'USD' },
    quantity: 1,
    lineTotal: { amount: 1750, currency: 'USD' },
  },
];

/** What the orders service would publish; written straight into its outbox, its relay publishes it. */
const ordersOutbox = (app: TestApp) => app.serving('orders').infrastructure.db.forSchema('orders');
const payments = (app: TestApp) => app.serving('payments').infrastructure.db.forSchema<PaymentsDb>('payments');

async function placeOrder(app: TestApp, token: string): Promise<string> {
  const orderId = `ord_${randomUUID()}`;
  await writeOutboxEvents(ordersOutbox(app), [
    orderPlaced({ orderId, userId: 'usr_test', items, total, payment: { token } }),
  ]);
  return orderId;
}

async function cancelOrder(
  app: TestApp,
  orderId: string,
  previousStatus: 'pending_payment' | 'confirmed',
  reason: CancellationReason,
) {
  await writeOutboxEvents(ordersOutbox(app), [
    orderCancelled({ orderId, userId: 'usr_test', items, total, reason, previousStatus }),
  ]);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function paymentEvents(app: TestApp, orderId: string): Promise<{ type: string; data: any }[]> {
  const rows = await (payments(app) as unknown as Kysely<{ outbox: { type: string; data: unknown; seq: number } }>)
    .selectFrom('outbox')
    .select(['type', 'data', 'seq'])
    .orderBy('seq')
    .execute();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return rows.map((r) => ({ type: r.type, data: r.data as any })).filter((e) => e.data?.orderId === orderId);
}

const firstEvent = (app: TestApp, orderId: string, type: string) =>
  eventually(async () => (await paymentEvents(app, orderId)).find((e) => e.type === type));

const paymentOf = (app: TestApp, orderId: string) =>
  payments(app).selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();

const ledger = (app: TestApp, key: string) =>
  payments(app).selectFrom('processor_ledger').selectAll().where('idempotency_key', '=', key).execute();

describe.each(layouts)('Payments (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { config: { paymentRetryBaseMs: 10 } });
  });
  afterAll(() => app?.close());

  it('charges tok_visa once and publishes payment.succeeded', async () => {
    const orderId = await placeOrder(app, 'tok_visa');
    const event = await firstEvent(app, orderId, 'payment.succeeded');
    const payment = await paymentOf(app, orderId);
    expect(event.data).toEqual({ paymentId: payment.id, orderId, userId: 'usr_test', amount: total, attempts: 1 });
    expect(payment).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      amount: 4250,
      currency: 'USD',
      charge_id: expect.stringMatching(/^ch_/),
    });
    await quiescent(app);
    const charges = await ledger(app, payment.id);
    expect(charges).toHaveLength(1);
    expect(charges[0]).toMatchObject({
      kind: 'charge',
      outcome: 'succeeded',
      amount: 4250,
      token: 'tok_visa',
      reference: payment.charge_id,
    });
    expect((await paymentEvents(app, orderId)).map((e) => e.type)).toEqual(['payment.succeeded']);
    const metrics = await app.serving('payments').metrics.registry.metrics();
    expect(metrics).toMatch(/emporium_business_events_total\{event="payment_succeeded"\} [1-9]/);
  });

  it('charges every order of a burst once', async () => {
    const orderIds = Array.from({ length: 10 }, () => `ord_${randomUUID()}`);
    await writeOutboxEvents(
      ordersOutbox(app),
      orderIds.map((orderId) =>
        orderPlaced({ orderId, userId: 'usr_test', items, total, payment: { token: 'tok_visa' } }),
      ),
    );
    for (const orderId of orderIds) await firstEvent(app, orderId, 'payment.succeeded');
    for (const orderId of orderIds)
      expect(await ledger(app, (await paymentOf(app, orderId)).id)).toMatchObject([
        { kind: 'charge', outcome: 'succeeded' },
      ]);
  });

  it.each([
    ['tok_chargeDeclined', 'card_declined'],
    ['tok_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['tok_unheardOf', 'invalid_token'],
  ])('publishes payment.failed for %s with reason %s', async (token, reason) => {
    const orderId = await placeOrder(app, token);
    const event = await firstEvent(app, orderId, 'payment.failed');
    expect(event.data).toMatchObject({ orderId, reason, attempts: 1, amount: total });
    const payment = await paymentOf(app, orderId);
    expect(payment).toMatchObject({ status: 'failed', failure_reason: reason });
    expect(await ledger(app, payment.id)).toMatchObject([
      { kind: 'charge', outcome: 'declined', decline_code: reason },
    ]);
  });

  it('retries tok_processingError with backoff and succeeds on the third attempt, charging once', async () => {
    const orderId = await placeOrder(app, 'tok_processingError');
    const event = await firstEvent(app, orderId, 'payment.succeeded');
    expect(event.data.attempts).toBe(3);
    const payment = await paymentOf(app, orderId);
    expect(payment).toMatchObject({ status: 'succeeded', attempts: 3 });
    await quiescent(app);
    expect(await ledger(app, payment.id)).toMatchObject([{ kind: 'charge', outcome: 'succeeded' }]);
    const tries = await payments(app)
      .selectFrom('processor_attempts')
      .selectAll()
      .where('idempotency_key', '=', payment.id)
      .executeTakeFirstOrThrow();
    expect(tries.attempts).toBe(3);
  });

  it('refunds a paid order once when it is cancelled, and publishes payment.refunded', async () => {
    const orderId = await placeOrder(app, 'tok_mastercard');
    await firstEvent(app, orderId, 'payment.succeeded');
    await cancelOrder(app, orderId, 'confirmed', 'customer_request');
    const refunded = await firstEvent(app, orderId, 'payment.refunded');
    const payment = await paymentOf(app, orderId);
    expect(refunded.data).toEqual({ paymentId: payment.id, orderId, userId: 'usr_test', amount: total });
    expect(payment).toMatchObject({ status: 'refunded', refund_id: expect.stringMatching(/^re_/) });
    // The same cancellation published again (a new event id) refunds nothing more.
    await cancelOrder(app, orderId, 'confirmed', 'customer_request');
    await quiescent(app);
    expect(await ledger(app, `refund:${payment.id}`)).toMatchObject([
      { kind: 'refund', charge_id: payment.charge_id, amount: 4250 },
    ]);
    expect(await ledger(app, payment.id)).toHaveLength(1);
    expect((await paymentEvents(app, orderId)).map((e) => e.type)).toEqual(['payment.succeeded', 'payment.refunded']);
  });

  it('never charges an order whose cancellation overtook its placement', async () => {
    const orderId = `ord_${randomUUID()}`;
    await writeOutboxEvents(ordersOutbox(app), [
      orderCancelled({
        orderId,
        userId: 'usr_test',
        items,
        total,
        reason: 'payment_timeout',
        previousStatus: 'pending_payment',
      }),
    ]);
    await eventually(
      async () =>
        (await payments(app).selectFrom('payments').select('status').where('order_id', '=', orderId).executeTakeFirst())
          ?.status,
    );
    await writeOutboxEvents(ordersOutbox(app), [
      orderPlaced({ orderId, userId: 'usr_test', items, total, payment: { token: 'tok_visa' } }),
    ]);
    await quiescent(app);
    const payment = await paymentOf(app, orderId);
    expect(payment.status).toBe('cancelled');
    expect(await ledger(app, payment.id)).toHaveLength(0);
    expect(await paymentEvents(app, orderId)).toEqual([]);
  });
});

describe.each(layouts)('Payments with every event delivered twice (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    // A long retry wait keeps a transiently failing payment pending for the cancellation test.
    app = await createTestApp(profile, { config: { eventBusDeliverTwice: true, paymentRetryBaseMs: 60_000 } });
  });
  afterAll(() => app?.close());

  it('makes one payment and one charge from a redelivered order.placed', async () => {
    const orderId = await placeOrder(app, 'tok_visa');
    await firstEvent(app, orderId, 'payment.succeeded');
    await quiescent(app);
    const rows = await payments(app).selectFrom('payments').selectAll().where('order_id', '=', orderId).execute();
    expect(rows).toHaveLength(1);
    expect(await ledger(app, rows[0]!.id)).toHaveLength(1);
    expect((await paymentEvents(app, orderId)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('never charges a payment cancelled while it waits for a retry', async () => {
    const orderId = await placeOrder(app, 'tok_processingError');
    const waiting = await eventually(async () => {
      const p = await payments(app)
        .selectFrom('payments')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirst();
      return p && p.attempts === 1 ? p : undefined;
    });
    expect(waiting.status).toBe('pending');
    await cancelOrder(app, orderId, 'pending_payment', 'payment_timeout');
    await eventually(async () => ((await paymentOf(app, orderId)).status === 'cancelled' ? true : undefined));
    await quiescent(app);
    expect(await ledger(app, waiting.id)).toHaveLength(0);
    expect(await paymentEvents(app, orderId)).toEqual([]);
  });
});
