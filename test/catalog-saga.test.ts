import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { orderCancelled, type OrderCancelledData } from '../src/contracts/events/order-events.js';
import { paymentSucceeded } from '../src/contracts/events/payment-events.js';
import type { NewEvent } from '../src/contracts/events/envelope.js';
import { writeOutboxEvents } from '../src/platform/messaging/outbox.js';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, type TestUser, createProduct } from './support/http.js';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** The catalog's side of the checkout saga, driven by events as the payments and orders services publish them. */
describe.each(profiles)('catalog saga consumers (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let catalog: CatalogService;

  const newProduct = (stock: number) => createProduct(app, admin, stock, 4000, 'Lamp');
  const stock = async (id: string) =>
    (
      await sql<{
        on_hand: number;
        reserved: number;
      }>`select on_hand, reserved from catalog.inventory where product_id = ${id}`.execute(app.infrastructure.db.root)
    ).rows[0];
  const reservationStatus = async (orderId: string) =>
    (
      await sql<{
        status: string;
      }>`select distinct status from catalog.reservations where order_id = ${orderId}`.execute(
        app.infrastructure.db.root,
      )
    ).rows.map((r) => r.status);
  const handled = async (consumer: string, type: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from catalog.inbox i join ${sql.table(`${consumer}.outbox`)} o on o.id::text = i.event_id::text where o.type = ${type}`.execute(
          app.infrastructure.db.root,
        )
      ).rows[0]?.n ?? 0,
    );
  const publishFrom = (schema: 'orders' | 'payments', event: NewEvent) =>
    writeOutboxEvents(app.infrastructure.db.forSchema(schema), [event]);
  const paid = (orderId: string) =>
    paymentSucceeded({ paymentId: randomUUID(), orderId, userId: 'usr_saga', amount: usd(4000), attempts: 1 });
  const cancelled = (orderId: string, previousStatus: OrderCancelledData['previousStatus']) =>
    orderCancelled({
      orderId,
      userId: 'usr_saga',
      items: [],
      total: usd(0),
      reason: previousStatus === 'confirmed' ? 'customer_request' : 'payment_declined',
      previousStatus,
    });
  const until = (check: () => Promise<unknown>, expected: unknown) =>
    expect.poll(check, { timeout: 8_000, interval: 50 }).toEqual(expected);

  beforeAll(async () => {
    app = await createTestApp(profile, { config: { eventBusDeliverTwice: true } });
    admin = await createAdmin(app);
    catalog = app.services.get('catalog') as CatalogService;
  });
  afterAll(() => app?.close());

  it('commits bursts of paid orders while checkouts reserve the same products, with no failure and no unit lost', async () => {
    const [first, second, third] = [await newProduct(1000), await newProduct(1000), await newProduct(1000)].sort(
      (x, y) => (x.id < y.id ? -1 : 1),
    );
    const one = (p: { id: string }) => ({ productId: p.id, quantity: 1 });
    // A batch holding the later rows of one order and then wanting an earlier row of the next
    // would wait on a checkout that holds that earlier row and wants the later one.
    const paidLines = (i: number) => (i % 2 === 0 ? [one(second!), one(third!)] : [one(first!)]);
    let paidUnits = 0;
    let heldUnits = 0;
    for (let round = 0; round < 4; round += 1) {
      const paidOrders = Array.from({ length: 20 }, () => randomUUID());
      for (const [i, orderId] of paidOrders.entries())
        expect((await catalog.inventory.reserve(orderId, paidLines(i))).ok).toBe(true);
      const payments = paidOrders.map((orderId) => ({
        ...paid(orderId),
        id: randomUUID(),
        version: 1,
        occurredAt: new Date().toISOString(),
        traceparent: null,
      }));
      const [, reserved] = await Promise.all([
        app.infrastructure.bus.publish(payments),
        Promise.all(
          Array.from({ length: 20 }, () => catalog.inventory.reserve(randomUUID(), [one(first!), one(second!)])),
        ),
      ]);
      expect(reserved.every((r) => r.ok)).toBe(true);
      await until(
        async () =>
          (await Promise.all(paidOrders.map(reservationStatus))).every((s) => s.length === 1 && s[0] === 'committed'),
        true,
      );
      paidUnits += 20;
      heldUnits += 20;
    }
    expect(await stock(first!.id)).toEqual({ on_hand: 1000 - paidUnits / 2, reserved: heldUnits });
    expect(await stock(second!.id)).toEqual({ on_hand: 1000 - paidUnits / 2, reserved: heldUnits });
    expect(await stock(third!.id)).toEqual({ on_hand: 1000 - paidUnits / 2, reserved: 0 });
    const dead = await sql<{ n: string }>`select count(*) as n from catalog.dead_letters`.execute(
      app.infrastructure.db.root,
    );
    expect(Number(dead.rows[0]?.n)).toBe(0);
  });

  it('commits the reservation when the payment succeeds, once whatever the redeliveries', async () => {
    const product = await newProduct(10);
    const orderId = randomUUID();
    expect((await catalog.inventory.reserve(orderId, [{ productId: product.id, quantity: 3 }])).ok).toBe(true);
    expect(await stock(product.id)).toEqual({ on_hand: 10, reserved: 3 });

    const [event] = await publishFrom('payments', paid(orderId));
    await until(() => reservationStatus(orderId), ['committed']);
    expect(await stock(product.id)).toEqual({ on_hand: 7, reserved: 0 });
    // The same envelope again, straight onto the bus: the inbox absorbs it.
    await app.infrastructure.bus.publish([event!]);
    await publishFrom('payments', paid(orderId));
    await until(() => handled('payments', 'payment.succeeded').then((n) => n >= 2), true);
    expect(await stock(product.id)).toEqual({ on_hand: 7, reserved: 0 });
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).body.stock).toEqual({ available: 7 });
    const committed = await sql<{
      n: string;
    }>`select count(*) as n from catalog.outbox where type = 'inventory.committed' and data->>'orderId' = ${orderId}`.execute(
      app.infrastructure.db.root,
    );
    expect(Number(committed.rows[0]?.n)).toBe(1);
  });

  it('releases held stock when an unpaid order is cancelled', async () => {
    const product = await newProduct(5);
    const orderId = randomUUID();
    expect((await catalog.inventory.reserve(orderId, [{ productId: product.id, quantity: 4 }])).ok).toBe(true);
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).body.stock).toEqual({ available: 1 });

    await publishFrom('orders', cancelled(orderId, 'pending_payment'));
    await until(() => reservationStatus(orderId), ['released']);
    expect(await stock(product.id)).toEqual({ on_hand: 5, reserved: 0 });
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).body.stock).toEqual({ available: 5 });

    // A payment that succeeds after the cancellation takes nothing.
    await publishFrom('payments', paid(orderId));
    await publishFrom('orders', cancelled(orderId, 'pending_payment'));
    await until(() => handled('orders', 'order.cancelled').then((n) => n >= 2), true);
    await until(() => handled('payments', 'payment.succeeded').then((n) => n >= 3), true);
    expect(await stock(product.id)).toEqual({ on_hand: 5, reserved: 0 });
    expect(await reservationStatus(orderId)).toEqual(['released']);
  });

  it("puts a paid order's stock back on hand once when the customer cancels it", async () => {
    const product = await newProduct(8);
    const orderId = randomUUID();
    expect((await catalog.inventory.reserve(orderId, [{ productId: product.id, quantity: 2 }])).ok).toBe(true);
    await publishFrom('payments', paid(orderId));
    await until(() => reservationStatus(orderId), ['committed']);
    expect(await stock(product.id)).toEqual({ on_hand: 6, reserved: 0 });

    const [event] = await publishFrom('orders', cancelled(orderId, 'confirmed'));
    await until(() => reservationStatus(orderId), ['restocked']);
    expect(await stock(product.id)).toEqual({ on_hand: 8, reserved: 0 });
    await app.infrastructure.bus.publish([event!]);
    // A second cancellation event (a different id) finds nothing left to return.
    await publishFrom('orders', cancelled(orderId, 'confirmed'));
    await until(() => handled('orders', 'order.cancelled').then((n) => n >= 4), true);
    expect(await stock(product.id)).toEqual({ on_hand: 8, reserved: 0 });
    expect((await call(app, 'GET', `/api/v1/products/${product.id}`)).body.stock).toEqual({ available: 8 });
    const adjustments = await sql<{
      delta: number;
    }>`select delta from catalog.inventory_adjustments where product_id = ${product.id} and reason like ${`%${orderId}%`}`.execute(
      app.infrastructure.db.root,
    );
    expect(adjustments.rows).toEqual([{ delta: 2 }]);
    // The InventoryApi still answers for the order as before.
    expect(await catalog.inventory.commit(orderId)).toEqual({ orderId, status: 'released' });
    expect(await catalog.inventory.release(orderId)).toEqual({ orderId, status: 'released' });
  });

  it('ignores events for orders it holds nothing for', async () => {
    const orderId = randomUUID();
    await publishFrom('payments', paid(orderId));
    await publishFrom('orders', cancelled(orderId, 'pending_payment'));
    const marker = await newProduct(1);
    const markerOrder = randomUUID();
    await catalog.inventory.reserve(markerOrder, [{ productId: marker.id, quantity: 1 }]);
    await publishFrom('orders', cancelled(markerOrder, 'pending_payment'));
    await until(() => reservationStatus(markerOrder), ['released']);
    expect(await reservationStatus(orderId)).toEqual([]);
    const dead = await sql<{ n: string }>`select count(*) as n from catalog.dead_letters`.execute(
      app.infrastructure.db.root,
    );
    expect(Number(dead.rows[0]?.n)).toBe(0);
  });
});
