import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userRegistered } from '../src/contracts/events/identity-events.js';
import { orderCancelled, orderConfirmed, orderShipped } from '../src/contracts/events/order-events.js';
import { writeOutboxEvents } from '../src/platform/messaging/outbox.js';
import type { NotificationsDb } from '../src/services/notifications/data/notifications-db.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser, uniqueEmail } from './support/http.js';
import { eventually } from './support/eventually.js';
import { quiescent } from './support/quiescence.js';
import { startSmtpSink } from './support/smtp-sink.js';

const money = (amount: number) => ({ amount, currency: 'USD' });
const order = (userId: string) => ({
  orderId: `ord_${randomUUID().slice(0, 8)}`,
  userId,
  items: [
    {
      productId: 'p1',
      sku: 'MUG-1',
      name: 'Mug <b>"bold"</b>',
      unitPrice: money(1250),
      quantity: 2,
      lineTotal: money(2500),
    },
    {
      productId: 'p2',
      sku: 'TEA-1',
      name: 'Green tea',
      unitPrice: money(123456),
      quantity: 1,
      lineTotal: money(123456),
    },
  ],
  total: money(125956),
});

const ordersOutbox = (app: TestApp) => app.serving('orders').infrastructure.db.forSchema('orders');
const notifications = (app: TestApp) =>
  app.serving('notifications').infrastructure.db.forSchema<NotificationsDb>('notifications');

describe.each(layouts)('Notifications over SMTP, every event delivered twice (%s profile)', (profile) => {
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    app = await createTestApp(profile, {
      config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, eventBusDeliverTwice: true },
    });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.stop();
  });

  it('sends exactly one welcome email on registration', async () => {
    const user = await registerUser(app, 'welcome');
    const [mail] = await eventually(() => (smtp.to(user.email).length ? smtp.to(user.email) : undefined));
    expect(mail?.subject).toBe('Welcome to Emporium');
    expect(mail?.text).toContain('Hello Test welcome,');
    await quiescent(app);
    expect(smtp.to(user.email)).toHaveLength(1);
    const list = await call(app, 'GET', '/api/v1/notifications', { token: user.accessToken });
    expect(list.status).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.body).toEqual({
      items: [
        {
          id: expect.stringMatching(/^ntf_/),
          type: 'welcome',
          channel: 'email',
          to: user.email,
          subject: 'Welcome to Emporium',
          status: 'sent',
          createdAt: expect.any(String),
          sentAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    expect(mail?.messageId).toBe(`<${list.body.items[0].id}@emporium.localhost>`);
  });

  it('sends exactly one order confirmation naming the order, its lines and total, with user data escaped', async () => {
    const user = await registerUser(app, 'buyer');
    await eventually(() => (smtp.to(user.email).length ? true : undefined));
    const placed = order(user.id);
    await writeOutboxEvents(ordersOutbox(app), [orderConfirmed(placed)]);
    const mail = await eventually(() =>
      smtp.to(user.email).find((m) => m.subject === `Your order ${placed.orderId} is confirmed`),
    );
    expect(mail.text).toContain(placed.orderId);
    expect(mail.text).toContain('2 × Mug <b>"bold"</b> (MUG-1) at $12.50 = $25.00');
    expect(mail.text).toContain('1 × Green tea (TEA-1) at $1,234.56 = $1,234.56');
    expect(mail.text).toContain('Total: $1,259.56');
    expect(mail.text).toContain('Status: confirmed');
    expect(mail.html).toContain('Mug &lt;b&gt;&quot;bold&quot;&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>"bold"</b>');
    expect(mail.html).toContain('$1,259.56');
    await quiescent(app);
    expect(smtp.to(user.email).filter((m) => m.subject?.includes(placed.orderId))).toHaveLength(1);
  });

  it('explains a cancellation with its refund, and a shipment with carrier and tracking', async () => {
    const user = await registerUser(app, 'cancel');
    const paid = order(user.id);
    const shipped = order(user.id);
    await writeOutboxEvents(ordersOutbox(app), [
      orderCancelled({ ...paid, reason: 'customer_request', previousStatus: 'confirmed' }),
      orderShipped({ ...shipped, carrier: 'UPS', trackingNumber: '1Z999AA10123456784' }),
    ]);
    const cancelled = await eventually(() =>
      smtp.to(user.email).find((m) => m.subject === `Your order ${paid.orderId} is cancelled`),
    );
    expect(cancelled.text).toContain('because you asked us to cancel it');
    expect(cancelled.text).toContain('The $1,259.56 you paid is being refunded');
    const sent = await eventually(() =>
      smtp.to(user.email).find((m) => m.subject === `Your order ${shipped.orderId} has shipped`),
    );
    expect(sent.text).toContain('Carrier: UPS, tracking number: 1Z999AA10123456784.');
    await quiescent(app);
    expect(smtp.to(user.email)).toHaveLength(3);
  });

  it('retries an email the server refuses and delivers it once', async () => {
    const user = await registerUser(app, 'retry');
    await eventually(() => (smtp.to(user.email).length ? true : undefined));
    smtp.refuseNext = 2;
    const refusedBefore = smtp.refused;
    const placed = order(user.id);
    await writeOutboxEvents(ordersOutbox(app), [orderConfirmed(placed)]);
    await eventually(() => smtp.to(user.email).find((m) => m.subject?.includes(placed.orderId)));
    await quiescent(app);
    expect(smtp.refused - refusedBefore).toBe(2);
    expect(smtp.to(user.email).filter((m) => m.subject?.includes(placed.orderId))).toHaveLength(1);
    const row = await notifications(app)
      .selectFrom('notifications')
      .selectAll()
      .where('template', '=', 'order_confirmed')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 2, to_address: user.email });
  });

  it('waits for a recipient it does not know yet instead of dropping the email', async () => {
    const userId = `usr_${randomUUID().replace(/-/g, '')}`;
    const email = uniqueEmail('late');
    const placed = order(userId);
    await writeOutboxEvents(ordersOutbox(app), [orderConfirmed(placed)]);
    await eventually(async () => {
      const row = await notifications(app)
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && row.attempts >= 1 ? row : undefined;
    });
    await writeOutboxEvents(app.serving('identity').infrastructure.db.forSchema('identity'), [
      userRegistered({ userId, email, name: 'Late Comer' }),
    ]);
    const mail = await eventually(() => smtp.to(email).find((m) => m.subject?.includes(placed.orderId)), 15_000);
    expect(mail.text).toContain('Hello Late Comer,');
  });

  it('lists only your own notifications, newest first, page by page; 401 without a token', async () => {
    const a = await registerUser(app, 'owner');
    const b = await registerUser(app, 'other');
    await writeOutboxEvents(ordersOutbox(app), [
      orderConfirmed(order(a.id)),
      orderShipped({ ...order(a.id), carrier: 'DHL', trackingNumber: 'X1' }),
    ]);
    await eventually(async () => {
      const rows = await notifications(app)
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', a.id)
        .execute();
      return rows.length === 3 ? rows : undefined;
    });
    const first = await call(app, 'GET', '/api/v1/notifications?limit=2', { token: a.accessToken });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(app, 'GET', `/api/v1/notifications?limit=2&cursor=${first.body.nextCursor}`, {
      token: a.accessToken,
    });
    expect(second.body).toMatchObject({ items: [{ type: 'welcome' }], nextCursor: null });
    const all = [...first.body.items, ...second.body.items];
    expect(all.map((n: { createdAt: string }) => n.createdAt)).toEqual(
      all
        .map((n: { createdAt: string }) => n.createdAt)
        .sort()
        .reverse(),
    );
    expect(all.every((n: { to: string | null }) => n.to === null || n.to === a.email)).toBe(true);

    const theirs = await call(app, 'GET', '/api/v1/notifications', { token: b.accessToken });
    expect(theirs.body.items.map((n: { type: string }) => n.type)).toEqual(['welcome']);
    expect(JSON.stringify(theirs.body)).not.toContain(a.email);

    const anonymous = await call(app, 'GET', '/api/v1/notifications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('unauthorized');
    const damaged = await call(app, 'GET', '/api/v1/notifications?cursor=nonsense', { token: a.accessToken });
    expect(damaged.status).toBe(400);
    expect((await call(app, 'GET', '/api/v1/notifications?limit=101', { token: a.accessToken })).status).toBe(400);
  });
});

describe.each(layouts)('Notifications without SMTP (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile);
  });
  afterAll(() => app?.close());

  it('writes the email as an .eml file under DATA_DIR/mail', async () => {
    const user = await registerUser(app, 'files');
    const dir = join(app.serving('notifications').config.dataDir, 'mail');
    const files = await eventually(async () => {
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.eml'));
      return names.length ? names : undefined;
    });
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(join(dir, files[0] ?? '')));
    expect(mail.subject).toBe('Welcome to Emporium');
    expect([mail.to].flat()[0]?.value[0]?.address).toBe(user.email);
  });
});
