/**
 * The distributed layout as it is deployed, on 127.0.0.1: nginx in front of two gateways, catalog
 * and orders instances and one of every other service, each an OS process started with `emporium
 * start <role>`, on PostgreSQL, Redis and RabbitMQ. A customer's whole journey goes
 * through nginx; then, under a steady flow of checkouts, instances are killed and restarted and
 * the gateways restarted one after the other, and the outcome is audited and printed.
 *
 * Real profile only (EMPORIUM_TEST_REAL=1): vitest.config.ts leaves the file out otherwise. nginx
 * must be installed; without it the file fails.
 *
 * TOPOLOGY_SECONDS: how long the checkouts flow at least (default 20). Each round of the scenario
 *   (SIGKILL a gateway, a catalog and an orders instance and restart them; then SIGTERM the other
 *   gateway and restart it) takes 15 s and the time its processes take to start, and rounds follow
 *   one another until the time is up.
 * TOPOLOGY_SEED: the seed of the customers' choices (products, quantities, cards); fixed in CI,
 *   random and printed otherwise.
 * TOPOLOGY_INSTANCES: how many catalog and orders instances run (default 2).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { EntryClient, seededRandom, shop, type FlowOutcome } from './support/checkout-flow.js';
import {
  expectedOrderEmails,
  orderEmails,
  readShopRecords,
  settled,
  shopAtRest,
  type ShopRecords,
} from './support/shop-audit.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { startTopology, type Role, type Topology } from './support/topology.js';
import { auditRun, diagnostics, formatAudit, type Disruption } from './support/topology-audit.js';

const flowSeconds = Number(process.env.TOPOLOGY_SECONDS ?? 20);
const instances = Number(process.env.TOPOLOGY_INSTANCES ?? 2);
const seed = Number(process.env.TOPOLOGY_SEED ?? (process.env.CI === 'true' ? 1 : Math.floor(Math.random() * 2 ** 31)));
const customers = 4;
const size = { gateways: 2, catalog: instances, orders: instances };
/** After a restarted process is ready, time for its peers and nginx to send to it again. */
const windowTailMs = 2_000;
/** nginx takes a gateway it failed to reach out of its rotation for this long (fail_timeout in deploy/nginx). */
const nginxFailTimeoutMs = 10_000;

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

describe('the distributed layout behind nginx, while instances die and restart', () => {
  let topology: Topology;
  let smtp: SmtpSink;
  let client: EntryClient;
  let adminToken: string;

  beforeAll(async () => {
    const starting = Date.now();
    smtp = await startSmtpSink();
    topology = await startTopology({
      ...size,
      env: { SMTP_URL: smtp.url, SEED_DEMO_DATA: 'false', RATE_LIMIT_PER_HOUR: '1000000', PAYMENT_RETRY_BASE_MS: '20' },
    });
    client = new EntryClient(topology.entryUrl);
    const login = await client.send('POST', '/api/v1/auth/login', { body: topology.admin });
    expect(login?.status).toBe(200);
    adminToken = login?.body.accessToken;
    console.log(
      `topology: ${topology.instances.length} processes and nginx ready in ${((Date.now() - starting) / 1000).toFixed(1)} s`,
    );
  }, 180_000);
  afterAll(async () => {
    await topology?.stop();
    await smtp?.stop();
  }, 60_000);

  const newProduct = async (name: string, stock: number, amount: number): Promise<string> => {
    const sku = `SKU-${randomUUID().slice(0, 8)}`;
    const res = await client.send('POST', '/api/v1/products', {
      token: adminToken,
      body: {
        sku,
        name: `${name} ${sku}`,
        description: `A ${name.toLowerCase()} for the topology test.`,
        price: { amount },
        stock,
      },
    });
    expect(res?.status).toBe(201);
    return res?.body.id;
  };
  const register = async (label: string) => {
    const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
    const res = await client.send('POST', '/api/v1/auth/register', {
      body: { email, password: 'correct horse battery', name: `Topology ${label}` },
    });
    expect(res?.status).toBe(201);
    return { email, accessToken: res?.body.accessToken as string };
  };
  // Signed in, so that nginx's cache of public catalog reads does not answer.
  const available = async (productId: string): Promise<number> =>
    (await client.send('GET', `/api/v1/products/${productId}`, { token: adminToken }))?.body.stock.available;

  it('takes a customer from sign-up to a shipped order through nginx', async () => {
    const kettle = await newProduct('Kettle', 10, 3499);
    const mug = await newProduct('Mug', 10, 1250);
    const user = await register('journey');
    await eventually(() => (smtp.to(user.email).length > 0 ? true : undefined), 10_000, 'welcome email');
    const token = user.accessToken;

    const browse = await client.send('GET', '/api/v1/products?q=kettle&limit=100');
    expect(browse?.body.items.map((p: { id: string }) => p.id)).toContain(kettle);
    for (const [productId, quantity] of [
      [kettle, 2],
      [mug, 1],
    ] as const) {
      expect((await client.send('POST', '/api/v1/cart/items', { token, body: { productId, quantity } }))?.status).toBe(
        200,
      );
    }
    const placed = await client.send('POST', '/api/v1/checkout', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
    });
    expect(placed?.status).toBe(202);
    expect(placed?.body.order).toMatchObject({
      status: 'pending_payment',
      total: { amount: 2 * 3499 + 1250, currency: 'USD' },
    });
    const orderId: string = placed?.body.order.id;
    await eventually(
      async () => ((await client.send('GET', '/api/v1/cart', { token }))?.body.items.length === 0 ? true : undefined),
      10_000,
      'cart emptied',
    );

    const confirmed = await eventually(
      async () => {
        const order = await client.send('GET', `/api/v1/orders/${orderId}`, { token });
        return order?.body.status === 'confirmed' ? order.body : undefined;
      },
      15_000,
      'order confirmed',
    );
    expect(confirmed.payment.status).toBe('succeeded');
    expect(confirmed.history.map((h: { status: string }) => h.status)).toEqual(['pending_payment', 'confirmed']);
    expect(await available(kettle)).toBe(8);

    const aboutOrder = () => smtp.to(user.email).filter((m) => (m.subject ?? '').includes(orderId));
    await eventually(() => (aboutOrder().length > 0 ? true : undefined), 10_000, 'confirmation email');
    await shopAtRest(topology.databaseUrl);
    expect(aboutOrder()).toHaveLength(1);
    expect(aboutOrder()[0]?.text).toContain('Kettle');
    const notifications = await client.send('GET', '/api/v1/notifications', { token });
    expect(notifications?.body.items.map((n: { type: string }) => n.type).sort()).toEqual([
      'order_confirmed',
      'welcome',
    ]);

    const shipped = await client.send('POST', `/api/v1/admin/orders/${orderId}/ship`, {
      token: adminToken,
      body: { carrier: 'DHL', trackingNumber: 'JD0001234' },
    });
    expect(shipped?.status).toBe(200);
    expect(shipped?.body.status).toBe('shipped');
    await eventually(() => (aboutOrder().length === 2 ? true : undefined), 10_000, 'shipping email');
    expect((await readShopRecords(topology.databaseUrl)).ledger.get(orderId)).toEqual({ charges: 1, refunds: 0 });
  });

  it('keeps every checkout whole while instances are killed and the gateways restarted', async () => {
    const stock = 1000;
    const initial = new Map<string, number>();
    for (const [name, amount] of [
      ['Lamp', 4500],
      ['Chair', 8900],
      ['Tent', 19900],
    ] as const)
      initial.set(await newProduct(name, stock, amount), stock);
    const shoppers = await Promise.all(Array.from({ length: customers }, (_, i) => register(`shopper${i}`)));
    const outcome: FlowOutcome = { accepted: [], refused: new Map(), cancelRequests: 0, longestCheckoutMs: 0 };
    const windows: Disruption[] = [];
    const gatewayExits: (number | null)[] = [];
    console.log(`topology: ${customers} customers for at least ${flowSeconds} s, seed ${seed}`);

    let stopping = false;
    const flowing = shoppers.map((shopper, i) =>
      shop(client, shopper, [...initial.keys()], seededRandom(seed + i), () => stopping, outcome),
    );
    const started = Date.now();

    // Rounds of the scenario until the time is up: the instances killed take turns.
    for (let round = 0; round === 0 || Date.now() - started < flowSeconds * 1000; round++) {
      await sleep(2_000);
      const killed: [Role, number][] = [
        ['gateway', round % size.gateways],
        ['catalog', round % size.catalog],
        ['orders', round % size.orders],
      ];
      const kill: Disruption = {
        signal: 'SIGKILL',
        what: killed.map(([role, i]) => `${role} ${i}`).join(', '),
        from: Date.now(),
        exited: 0,
        back: 0,
        to: Infinity,
      };
      windows.push(kill);
      await Promise.all(killed.map(([role, i]) => topology.kill(role, i, 'SIGKILL')));
      kill.exited = Date.now();
      await Promise.all(killed.map(([role, i]) => topology.restart(role, i)));
      kill.back = Date.now();
      kill.to = kill.back + windowTailMs;
      // nginx may have taken the killed gateway out just before it was back: a rolling restart
      // stops the next one only once nginx sends to this one again.
      await sleep(nginxFailTimeoutMs + 1_000);

      const other = (round + 1) % size.gateways;
      const term: Disruption = {
        signal: 'SIGTERM',
        what: `gateway ${other}`,
        from: Date.now(),
        exited: 0,
        back: 0,
        to: Infinity,
      };
      windows.push(term);
      gatewayExits.push((await topology.kill('gateway', other, 'SIGTERM')).code);
      term.exited = Date.now();
      await topology.restart('gateway', other);
      term.back = Date.now();
      term.to = term.back + windowTailMs;
      await sleep(windowTailMs);
    }
    await sleep(2_000);
    stopping = true;
    await Promise.all(flowing);
    const flowEnded = Date.now();

    // The saga runs on after the last answer: payments, confirmations, stock, emails.
    let records: ShopRecords = await readShopRecords(topology.databaseUrl);
    const emailsDue = (r: ShopRecords) => [...expectedOrderEmails(r).values()].reduce((a, b) => a + b, 0);
    const orderEmailCount = () => [...orderEmails(smtp.received).values()].reduce((a, b) => a + b, 0);
    // Not settled in time is no error of its own: the audit below says what is left.
    const rested = await eventually(
      async () => {
        records = await readShopRecords(topology.databaseUrl);
        return settled(records) && orderEmailCount() >= emailsDue(records) ? true : undefined;
      },
      90_000,
      'the saga settled',
    ).then(
      () => Date.now() - flowEnded,
      () => undefined,
    );
    if (rested !== undefined) await shopAtRest(topology.databaseUrl);
    records = await readShopRecords(topology.databaseUrl);

    const audit = auditRun(
      records,
      outcome,
      client.sent,
      windows,
      initial,
      smtp,
      shoppers.map((s) => s.email),
    );
    console.log(formatAudit(audit, windows, gatewayExits, rested));
    if (audit.failures.sigterm.length + audit.failures.elsewhere.length > 0) console.log(diagnostics(topology));

    expect(audit.accepted).toBeGreaterThan(0);
    expect(audit.unknownOrders, 'orders no customer was told about').toEqual([]);
    expect(audit.missingOrders, 'accepted orders that are not in the database').toEqual([]);
    expect(audit.stuck, 'orders neither confirmed nor cancelled').toEqual([]);
    expect(audit.overcharged, 'orders charged more than once, or a confirmed one not charged').toEqual([]);
    expect(audit.refundsWrong, 'orders whose refunds are not their cancellation after a charge').toEqual([]);
    expect(audit.paymentsWithoutOrder).toBe(0);
    expect(
      audit.stock.filter((s) => s.drift !== 0),
      'products whose stock drifted',
    ).toEqual([]);
    expect(
      audit.stock.filter((s) => s.orphaned > 0),
      'products with units held for orders never written',
    ).toEqual([]);
    expect(audit.emailsWrong, 'orders whose emails are not one per event').toEqual([]);
    expect(audit.welcomes).toEqual(shoppers.length);
    expect(audit.failures.sigterm, 'failed requests during the rolling restart').toEqual([]);
    expect(audit.failures.elsewhere, 'failed requests outside the SIGKILL windows').toEqual([]);
    expect(gatewayExits, 'exit status of gateways stopped with SIGTERM').toEqual(gatewayExits.map(() => 0));
  }, 600_000);
});
