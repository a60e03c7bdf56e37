import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layouts, type ProfileName } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, type TestUser } from './support/http.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { eventually } from './support/eventually.js';
import { quiescent } from './support/quiescence.js';

/** The whole shop at work: catalog, cart, checkout saga, payments, notifications, through HTTP. */
const address = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

interface Shop {
  app: TestApp;
  smtp: SmtpSink;
  admin: TestUser;
}

async function openShop(profile: ProfileName, config = {}): Promise<Shop> {
  const smtp = await startSmtpSink();
  const app = await createTestApp(profile, { config: { smtpUrl: smtp.url, paymentRetryBaseMs: 20, ...config } });
  return { app, smtp, admin: await createAdmin(app) };
}

async function closeShop(shop: Shop | undefined): Promise<void> {
  await shop?.app.close();
  await shop?.smtp.stop();
}

async function newProduct(shop: Shop, stock: number, amount: number): Promise<string> {
  const sku = `SKU-${randomUUID().slice(0, 8)}`;
  const res = await call(shop.app, 'POST', '/api/v1/products', {
    token: shop.admin.accessToken,
    body: {
      sku,
      name: `Journey kettle ${sku}`,
      description: 'A stovetop kettle that whistles.',
      price: { amount },
      stock,
    },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

const available = async (shop: Shop, productId: string): Promise<number> =>
  (await call(shop.app, 'GET', `/api/v1/products/${productId}`)).body.stock.available;

async function checkout(shop: Shop, user: TestUser, lines: [string, number][], token: string, key = randomUUID()) {
  for (const [productId, quantity] of lines) {
    const added = await call(shop.app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId, quantity },
    });
    expect(added.status).toBe(200);
  }
  return call(shop.app, 'POST', '/api/v1/checkout', {
    token: user.accessToken,
    headers: { 'idempotency-key': key },
    body: { shippingAddress: address, payment: { token } },
  });
}

const orderWhen = (shop: Shop, user: TestUser, orderId: string, status: string) =>
  eventually(
    async () => {
      const res = await call(shop.app, 'GET', `/api/v1/orders/${orderId}`, { token: user.accessToken });
      return res.body.status === status ? res.body : undefined;
    },
    15_000,
    `order ${orderId} ${status}`,
  );

async function ledger(shop: Shop, orderId: string): Promise<{ charges: number; refunds: number }> {
  const { rows } = await sql<{ kind: string; n: number }>`
    select l.kind, count(*)::int as n from payments.processor_ledger l
    join payments.payments p on l.idempotency_key in (p.id, 'refund:' || p.id)
    where p.order_id = ${orderId} and l.outcome = 'succeeded' group by l.kind`.execute(shop.app.infrastructure.db.root);
  return {
    charges: rows.find((r) => r.kind === 'charge')?.n ?? 0,
    refunds: rows.find((r) => r.kind === 'refund')?.n ?? 0,
  };
}

const mailsAbout = (shop: Shop, user: TestUser, text: string) =>
  shop.smtp.to(user.email).filter((m) => (m.subject ?? '').includes(text) || (m.text ?? '').includes(text));

describe.each(layouts)('shopping journeys (%s profile)', (profile) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(profile);
  });
  afterAll(() => closeShop(shop));

  it('register, browse, buy two products, get confirmed, emailed, shipped', async () => {
    const kettle = await newProduct(shop, 10, 3499);
    const mug = await newProduct(shop, 10, 1250);
    const user = await registerUser(shop.app, 'journey');
    await eventually(() => (shop.smtp.to(user.email).length > 0 ? true : undefined), 10_000, 'welcome email');

    const browse = await call(shop.app, 'GET', '/api/v1/products?q=kettle&limit=100');
    expect(browse.body.items.map((p: { id: string }) => p.id)).toContain(kettle);

    const placed = await checkout(
      shop,
      user,
      [
        [kettle, 2],
        [mug, 1],
      ],
      'tok_visa',
    );
    expect(placed.status).toBe(202);
    expect(placed.body.order).toMatchObject({
      status: 'pending_payment',
      total: { amount: 2 * 3499 + 1250, currency: 'USD' },
    });
    const orderId: string = placed.body.order.id;
    // The cart service empties the cart when order.placed reaches it, moments after the 202.
    await eventually(
      async () =>
        (await call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken })).body.items.length === 0
          ? true
          : undefined,
      10_000,
      'cart emptied',
    );

    const confirmed = await orderWhen(shop, user, orderId, 'confirmed');
    expect(confirmed.payment.status).toBe('succeeded');
    expect(confirmed.history.map((h: { status: string }) => h.status)).toEqual(['pending_payment', 'confirmed']);
    expect(await available(shop, kettle)).toBe(8);

    await eventually(
      () => (mailsAbout(shop, user, orderId).length > 0 ? true : undefined),
      10_000,
      'confirmation email',
    );
    await quiescent(shop.app);
    const confirmation = mailsAbout(shop, user, orderId);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]?.text).toContain('Journey kettle');

    const notifications = await call(shop.app, 'GET', '/api/v1/notifications', { token: user.accessToken });
    expect(notifications.body.items.map((n: { type: string }) => n.type).sort()).toEqual([
      'order_confirmed',
      'welcome',
    ]);

    const shipped = await call(shop.app, 'POST', `/api/v1/admin/orders/${orderId}/ship`, {
      token: shop.admin.accessToken,
      body: { carrier: 'DHL', trackingNumber: 'JD0001234' },
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('shipped');
    await eventually(
      () => (mailsAbout(shop, user, 'JD0001234').length === 1 ? true : undefined),
      10_000,
      'shipping email',
    );
    expect(await ledger(shop, orderId)).toEqual({ charges: 1, refunds: 0 });
  });

  it('a declined card cancels the order, returns the stock and emails the customer', async () => {
    const lamp = await newProduct(shop, 5, 4500);
    const user = await registerUser(shop.app, 'declined');
    const placed = await checkout(shop, user, [[lamp, 3]], 'tok_chargeDeclined');
    expect(placed.status).toBe(202);
    expect(await available(shop, lamp)).toBe(2);
    const cancelled = await orderWhen(shop, user, placed.body.order.id, 'cancelled');
    expect(cancelled.cancellationReason).toBe('payment_declined');
    expect(cancelled.payment.status).toBe('failed');
    await eventually(async () => ((await available(shop, lamp)) === 5 ? true : undefined), 10_000, 'stock returned');
    await eventually(
      () => (mailsAbout(shop, user, placed.body.order.id).length === 1 ? true : undefined),
      10_000,
      'cancellation email',
    );
    expect(await ledger(shop, placed.body.order.id)).toEqual({ charges: 0, refunds: 0 });
  });

  it('a processing error is retried until the charge goes through, once', async () => {
    const tent = await newProduct(shop, 5, 19900);
    const user = await registerUser(shop.app, 'retry');
    const placed = await checkout(shop, user, [[tent, 1]], 'tok_processingError');
    const confirmed = await orderWhen(shop, user, placed.body.order.id, 'confirmed');
    expect(confirmed.payment.attempts).toBe(3);
    await quiescent(shop.app);
    expect(await ledger(shop, placed.body.order.id)).toEqual({ charges: 1, refunds: 0 });
  });

  it('cancelling a confirmed order refunds it once, returns the stock and emails the customer', async () => {
    const chair = await newProduct(shop, 4, 8900);
    const user = await registerUser(shop.app, 'cancel');
    const placed = await checkout(shop, user, [[chair, 2]], 'tok_mastercard');
    const orderId: string = placed.body.order.id;
    await orderWhen(shop, user, orderId, 'confirmed');
    await eventually(async () => ((await available(shop, chair)) === 2 ? true : undefined), 10_000, 'stock committed');

    const cancel = await call(shop.app, 'POST', `/api/v1/orders/${orderId}/cancel`, { token: user.accessToken });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'cancelled', cancellationReason: 'customer_request' });
    const again = await call(shop.app, 'POST', `/api/v1/orders/${orderId}/cancel`, { token: user.accessToken });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('order_not_cancellable');

    await eventually(async () => ((await available(shop, chair)) === 4 ? true : undefined), 10_000, 'stock back');
    const refunded = await orderWhen(shop, user, orderId, 'cancelled');
    await eventually(async () => ((await ledger(shop, orderId)).refunds === 1 ? true : undefined), 10_000, 'refund');
    await eventually(
      () => (shop.smtp.to(user.email).some((m) => /cancel/i.test(m.subject ?? '')) ? true : undefined),
      10_000,
      'cancellation email',
    );
    await quiescent(shop.app);
    expect(await ledger(shop, orderId)).toEqual({ charges: 1, refunds: 1 });
    expect(refunded.cancellationReason).toBe('customer_request');
  });

  it('keeps users apart: another user sees 404 for an order and nothing of its owner', async () => {
    const owner = await registerUser(shop.app, 'owner');
    const other = await registerUser(shop.app, 'other');
    const product = await newProduct(shop, 3, 999);
    const placed = await checkout(shop, owner, [[product, 1]], 'tok_visa');
    const peek = await call(shop.app, 'GET', `/api/v1/orders/${placed.body.order.id}`, { token: other.accessToken });
    expect(peek.status).toBe(404);
    expect(JSON.stringify(peek.body)).not.toContain(owner.email);
    expect((await call(shop.app, 'GET', '/api/v1/orders', { token: other.accessToken })).body.items).toEqual([]);
    expect(
      (await call(shop.app, 'POST', `/api/v1/orders/${placed.body.order.id}/cancel`, { token: other.accessToken }))
        .status,
    ).toBe(404);
    await call(shop.app, 'POST', '/api/v1/cart/items', {
      token: owner.accessToken,
      body: { productId: product, quantity: 1 },
    });
    expect((await call(shop.app, 'GET', '/api/v1/cart', { token: other.accessToken })).body.items).toEqual([]);
    await orderWhen(shop, owner, placed.body.order.id, 'confirmed');
    const theirs = await call(shop.app, 'GET', '/api/v1/notifications', { token: other.accessToken });
    expect(theirs.body.items.every((n: { to: string }) => n.to === other.email)).toBe(true);
  });
});

describe.each(layouts)('every event delivered twice (%s profile)', (profile) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(profile, { eventBusDeliverTwice: true });
  });
  afterAll(() => closeShop(shop));

  it('has no second effect anywhere: one order, one charge, stock moved once, one email per event', async () => {
    const bike = await newProduct(shop, 6, 129900);
    const user = await registerUser(shop.app, 'twice');
    const key = randomUUID();
    const placed = await checkout(shop, user, [[bike, 2]], 'tok_visa', key);
    const replay = await call(shop.app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': key },
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
    });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.order.id).toBe(placed.body.order.id);
    const orderId: string = placed.body.order.id;
    await orderWhen(shop, user, orderId, 'confirmed');
    await eventually(
      () => (mailsAbout(shop, user, orderId).length > 0 ? true : undefined),
      10_000,
      'confirmation email',
    );
    await quiescent(shop.app);

    expect((await call(shop.app, 'GET', '/api/v1/orders', { token: user.accessToken })).body.items).toHaveLength(1);
    expect(await ledger(shop, orderId)).toEqual({ charges: 1, refunds: 0 });
    expect(await available(shop, bike)).toBe(4);
    const { rows } = await sql<{
      on_hand: number;
      reserved: number;
    }>`select on_hand, reserved from catalog.inventory where product_id = ${bike}`.execute(
      shop.app.infrastructure.db.root,
    );
    expect(rows[0]).toEqual({ on_hand: 4, reserved: 0 });
    expect(mailsAbout(shop, user, orderId)).toHaveLength(1);
    expect(shop.smtp.to(user.email).filter((m) => /welcome/i.test(m.subject ?? ''))).toHaveLength(1);
  });
});
