import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { paymentFailed, paymentRefunded, paymentSucceeded } from '../src/contracts/events/payment-events.js';
import { layouts } from './support/infra.js';
import { call, registerUser } from './support/http.js';
import { eventually } from './support/eventually.js';
import { isoTime } from './support/api-values.js';
import { ordersShop, payment } from './support/orders-shop.js';

describe.each(layouts)('orders (%s profile)', (profile) => {
  const shop = ordersShop(profile);
  const { newProduct, placeOrder, publish, getOrder, orderIn, orderEvents, stockRow, cancel, ship } = shop;

  it('confirms an order on payment.succeeded, once, whatever the redeliveries; the catalog commits its stock', async () => {
    const user = await registerUser(shop.app);
    const kettle = await newProduct(5, 3000);
    const order = await placeOrder(user, kettle.id, 2);
    const paid = paymentSucceeded({ ...payment(user, order), attempts: 1 });
    const envelope = {
      id: randomUUID(),
      type: paid.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      data: paid.data,
      traceparent: null,
    };
    await shop.app.infrastructure.bus.publish([envelope]);
    await shop.app.infrastructure.bus.publish([envelope]);

    const confirmed = await orderIn(user, order.id, 'confirmed');
    expect(confirmed.payment).toEqual({ status: 'succeeded', attempts: 1 });
    expect(confirmed.history).toEqual([
      { status: 'pending_payment', at: isoTime },
      { status: 'confirmed', at: isoTime },
    ]);
    expect(confirmed.cancellationReason).toBeUndefined();
    // Another event with the same fact (a new id) changes nothing either, once orders has handled it.
    const again = { ...envelope, id: randomUUID() };
    await shop.app.infrastructure.bus.publish([again]);
    await eventually(async () => ((await stockRow(kettle.id))?.reserved === 0 ? true : undefined));
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 3, reserved: 0 });
    await eventually(
      async () => {
        const handled = await sql<{
          n: number;
        }>`select count(*)::int as n from orders.inbox where event_id = ${again.id}`.execute(
          shop.app.infrastructure.db.root,
        );
        return handled.rows[0]?.n === 1 ? true : undefined;
      },
      10_000,
      'the repeated payment.succeeded handled',
    );
    expect((await orderEvents(order.id)).map((e) => e.type)).toEqual(['order.placed', 'order.confirmed']);
    expect((await getOrder(user, order.id)).body.history).toHaveLength(2);
  });

  it('cancels an order on payment.failed (payment_declined) and the catalog releases its stock', async () => {
    const user = await registerUser(shop.app);
    const kettle = await newProduct(4);
    const order = await placeOrder(user, kettle.id, 3);
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 4, reserved: 3 });
    await publish(paymentFailed({ ...payment(user, order), attempts: 1, reason: 'card_declined' }));

    const cancelled = await orderIn(user, order.id, 'cancelled');
    expect(cancelled).toMatchObject({
      cancellationReason: 'payment_declined',
      payment: { status: 'failed', attempts: 1 },
    });
    expect(cancelled.history.map((h: { status: string }) => h.status)).toEqual(['pending_payment', 'cancelled']);
    const events = await orderEvents(order.id);
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
    expect(events[1]?.data).toMatchObject({
      reason: 'payment_declined',
      previousStatus: 'pending_payment',
      userId: user.id,
    });
    await eventually(async () => ((await stockRow(kettle.id))?.reserved === 0 ? true : undefined));
    expect(await stockRow(kettle.id)).toEqual({ on_hand: 4, reserved: 0 });

    // A late success for an order already cancelled leaves it cancelled (payments refunds it).
    await publish(paymentSucceeded({ ...payment(user, order), attempts: 2 }));
    await eventually(async () =>
      (await getOrder(user, order.id)).body.payment.status === 'succeeded' ? true : undefined,
    );
    expect((await getOrder(user, order.id)).body).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'payment_declined',
      payment: { attempts: 2 },
    });
    expect((await orderEvents(order.id)).map((e) => e.type)).toEqual(['order.placed', 'order.cancelled']);
  });

  it('lets the customer cancel while pending or confirmed, never once shipped or cancelled (409 order_not_cancellable)', async () => {
    const user = await registerUser(shop.app);
    const pending = await placeOrder(user);
    const res = await cancel(user, pending.id);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id: pending.id, status: 'cancelled', cancellationReason: 'customer_request' });
    const again = await cancel(user, pending.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('order_not_cancellable');

    const paid = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, paid), attempts: 1 }));
    await orderIn(user, paid.id, 'confirmed');
    const cancelledPaid = await cancel(user, paid.id);
    expect(cancelledPaid.status).toBe(200);
    expect(cancelledPaid.body.history.map((h: { status: string }) => h.status)).toEqual([
      'pending_payment',
      'confirmed',
      'cancelled',
    ]);
    const events = await orderEvents(paid.id);
    expect(events.at(-1)).toMatchObject({
      type: 'order.cancelled',
      data: { reason: 'customer_request', previousStatus: 'confirmed' },
    });
    // Payments refunds it and says so.
    await publish(paymentRefunded(payment(user, paid)));
    await eventually(async () =>
      (await getOrder(user, paid.id)).body.payment.status === 'refunded' ? true : undefined,
    );

    const shipped = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, shipped), attempts: 1 }));
    await orderIn(user, shipped.id, 'confirmed');
    expect((await ship(shipped.id)).status).toBe(200);
    const late = await cancel(user, shipped.id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('order_not_cancellable');

    expect((await cancel(user, 'ord_unknown')).status).toBe(404);
  });

  it('lets admins list orders by status and ship confirmed ones (409 order_not_shippable otherwise)', async () => {
    const user = await registerUser(shop.app);
    const waiting = await placeOrder(user);
    const paid = await placeOrder(user);
    await publish(paymentSucceeded({ ...payment(user, paid), attempts: 1 }));
    await orderIn(user, paid.id, 'confirmed');

    const notYet = await ship(waiting.id);
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('order_not_shippable');
    expect((await ship('ord_unknown')).status).toBe(404);
    const bad = await call(shop.app, 'POST', `/api/v1/admin/orders/${paid.id}/ship`, {
      token: shop.admin.accessToken,
      body: { carrier: 'DHL' },
    });
    expect(bad.status).toBe(400);

    const confirmedList = await call(shop.app, 'GET', '/api/v1/admin/orders?status=confirmed&limit=100', {
      token: shop.admin.accessToken,
    });
    expect(confirmedList.status).toBe(200);
    expect(confirmedList.headers['cache-control']).toBe('no-store');
    expect(confirmedList.body.items.every((o: { status: string }) => o.status === 'confirmed')).toBe(true);
    expect(confirmedList.body.items.find((o: { id: string }) => o.id === paid.id)).toMatchObject({ userId: user.id });
    const pendingList = await call(shop.app, 'GET', '/api/v1/admin/orders?status=pending_payment&limit=100', {
      token: shop.admin.accessToken,
    });
    expect(pendingList.body.items.map((o: { id: string }) => o.id)).toContain(waiting.id);
    expect(pendingList.body.items.map((o: { id: string }) => o.id)).not.toContain(paid.id);
    expect(
      (await call(shop.app, 'GET', '/api/v1/admin/orders?status=lost', { token: shop.admin.accessToken })).status,
    ).toBe(400);

    const shipped = await ship(paid.id);
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body).toMatchObject({
      id: paid.id,
      status: 'shipped',
      userId: user.id,
      shipment: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
    });
    expect(shipped.body.history.map((h: { status: string }) => h.status)).toEqual([
      'pending_payment',
      'confirmed',
      'shipped',
    ]);
    expect((await orderEvents(paid.id)).at(-1)).toMatchObject({
      type: 'order.shipped',
      data: { carrier: 'DHL', trackingNumber: 'JD0146000062' },
    });
    expect((await getOrder(user, paid.id)).body).toMatchObject({ status: 'shipped', shipment: { carrier: 'DHL' } });
    expect((await ship(paid.id)).status).toBe(409);
    const shippedList = await call(shop.app, 'GET', '/api/v1/admin/orders?status=shipped&limit=100', {
      token: shop.admin.accessToken,
    });
    expect(shippedList.body.items.map((o: { id: string }) => o.id)).toContain(paid.id);
  });
});
