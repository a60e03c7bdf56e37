import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryApi } from '../src/contracts/api/inventory.js';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { idempotencyLeaseMs, markerKey } from '../src/platform/http/idempotency.js';
import { checkoutLockTtlMs, orderDeadlineMs } from '../src/services/orders/domain/checkout.js';
import { abandonedAfterMs } from '../src/services/orders/domain/release-abandoned-reservations.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import {
  addToCart,
  availableStock,
  call,
  createAdmin,
  createProduct,
  registerUser,
  type CallResult,
  type TestUser,
} from './support/http.js';
import { eventually } from './support/eventually.js';

const address = { name: 'Grace Hopper', line1: '1 Navy Yard', city: 'Arlington', postalCode: '22202', country: 'US' };

/**
 * An orders process that dies mid-checkout, simulated in-process: what it leaves behind (its
 * checkout lock and key marker, a reservation without an order) is put back as a dead process
 * leaves it, and the test looks at what the customer sees next. The clock moves forward instead
 * of the test waiting for reservations to age.
 */
describe.each(layouts)('checkouts whose process died (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let inventory: InventoryApi;
  let clockOffsetMs = 0;
  const clock = { now: () => new Date(Date.now() + clockOffsetMs) };

  // tok_processingError fails at first and is retried an hour later: orders stay unpaid, their stock held.
  const checkout = (user: TestUser, key = randomUUID()) =>
    call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': key },
      body: { shippingAddress: address, payment: { token: 'tok_processingError' } },
    });
  const db = () => app.infrastructure.db.root;
  const reservationsOf = async (productId: string) =>
    (
      await sql<{ order_id: string; status: string; ordered: boolean }>`
      select order_id, status, exists (select 1 from orders.orders o where o.id = r.order_id) as ordered
      from catalog.reservations r where product_id = ${productId}`.execute(db())
    ).rows;
  /** Payments started for the order, and order.placed events that would start one. */
  const paymentsOf = async (orderId: string) =>
    (
      await sql<{ payments: number; placed: number }>`
        select (select count(*)::int from payments.payments where order_id = ${orderId}) as payments,
               (select count(*)::int from orders.outbox where type = 'order.placed' and data->>'orderId' = ${orderId}) as placed`.execute(
        db(),
      )
    ).rows[0];
  const releasedEvents = async (orderId: string) =>
    Number(
      (
        await sql<{
          n: string;
        }>`select count(*) as n from catalog.outbox where type = 'inventory.released' and data->>'orderId' = ${orderId}`.execute(
          db(),
        )
      ).rows[0]?.n,
    );
  const reconcile = async () => {
    const job = app.services.get('orders')?.jobs?.find((j) => j.name === 'release-abandoned-reservations');
    if (!job) throw new Error('orders has no release-abandoned-reservations job');
    await job.run();
  };

  /**
   * Runs `during` inside the catalog's reservation of the user's next checkout (whose order id it
   * gets), and returns what the checkout held meanwhile in the key-value store: its lock and the
   * marker of its key, as a process that died there would leave them.
   */
  const duringReservation = (
    user: TestUser,
    key: string,
    during: (orderId: string) => Promise<void> = async () => undefined,
  ) => {
    const kv = app.serving('orders').infrastructure.kv;
    const leases = { marker: markerKey({ userId: user.id }, key), lock: `orders:checkout-lock:${user.id}` };
    const held = { marker: '', lock: '' };
    // Every catalog instance: orders may reach any of them.
    const inventories = app
      .instancesServing('catalog')
      .map((proc) => (proc.services.get('catalog') as CatalogService).inventory);
    const reserves = inventories.map((each) => each.reserve);
    inventories.forEach((each, i) => {
      const reserve = reserves[i] as InventoryApi['reserve'];
      each.reserve = async (orderId, lines) => {
        held.marker ||= (await kv.get(leases.marker)) ?? '';
        held.lock ||= (await kv.get(leases.lock)) ?? '';
        const result = await reserve.call(each, orderId, lines);
        await during(orderId);
        return result;
      };
    });
    return {
      restore: () => inventories.forEach((each, i) => void (each.reserve = reserves[i] as InventoryApi['reserve'])),
      /** Puts the lock and the marker back as the process left them when it died. */
      leaveBehind: async () => {
        expect(held.marker && held.lock).toBeTruthy();
        await kv.set(leases.marker, held.marker, { ttlMs: idempotencyLeaseMs });
        await kv.set(leases.lock, held.lock, { ttlMs: checkoutLockTtlMs });
      },
    };
  };
  /** Retries until the checkout is placed; every answer before is a 409 saying it still runs. */
  const retryUntilPlaced = async (send: () => Promise<CallResult>, withinMs: number) => {
    const waits: CallResult[] = [];
    const placed = await eventually(
      async () => {
        const res = await send();
        if (res.status === 202) return res;
        waits.push(res);
        return undefined;
      },
      withinMs,
      'a placed checkout',
      100,
    );
    for (const wait of waits)
      expect(`${wait.status} ${wait.body?.code}`).toMatch(
        /^409 (idempotency_request_in_progress|checkout_in_progress)$/,
      );
    return placed;
  };

  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity', 'catalog', 'cart', 'orders', 'payments'],
      clock,
      config: { paymentRetryBaseMs: 3_600_000 },
    });
    admin = await createAdmin(app);
    inventory = (app.services.get('catalog') as CatalogService).inventory;
  });
  afterAll(() => app?.close());

  it('answers a retry at once with the order of a checkout that died after writing it, and frees the user’s checkout within seconds', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 1);
    const key = randomUUID();
    const dying = duringReservation(user, key);
    const placed = await checkout(user, key).finally(dying.restore);
    expect(placed.status, placed.text).toBe(202);
    // It died before marking its key done and releasing its lock.
    await dying.leaveBehind();

    const retried = await checkout(user, key);
    expect(retried.status, retried.text).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(placed.body);

    await addToCart(app, user, lamp.id, 1);
    const next = await retryUntilPlaced(() => checkout(user), checkoutLockTtlMs + 2_000);
    expect(next.body.order.id).not.toBe(placed.body.order.id);
    expect(await availableStock(app, lamp.id)).toBe(8);
  });

  it('runs a retry again within seconds when the checkout died before writing its order, and gives its stock back', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 4, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 2);
    const key = randomUUID();
    // Killed once the catalog reserved: the order is never written.
    const dying = duringReservation(user, key, async () => {
      throw new Error('the orders process was killed');
    });
    const died = await checkout(user, key).finally(dying.restore);
    expect(died.status).toBeGreaterThanOrEqual(500);
    await dying.leaveBehind();
    expect(await availableStock(app, lamp.id)).toBe(2);

    const waiting = await checkout(user, key);
    expect([waiting.status, waiting.body.code]).toEqual([409, 'idempotency_request_in_progress']);
    const placed = await retryUntilPlaced(
      () => checkout(user, key),
      Math.max(idempotencyLeaseMs, checkoutLockTtlMs) + 2_000,
    );
    expect(placed.headers['idempotent-replayed']).toBeUndefined();
    const order = placed.body.order as { id: string };
    expect(await availableStock(app, lamp.id)).toBe(0);
    const [abandoned] = (await reservationsOf(lamp.id)).filter((r) => !r.ordered);
    expect(abandoned).toMatchObject({ status: 'held' });

    // Not before the checkout's deadline has long passed; then once, however many instances reconcile.
    await reconcile();
    expect(await availableStock(app, lamp.id)).toBe(0);
    clockOffsetMs += abandonedAfterMs;
    await Promise.all([reconcile(), reconcile(), reconcile()]);
    expect(await availableStock(app, lamp.id)).toBe(2);
    expect(await reservationsOf(lamp.id)).toEqual(
      expect.arrayContaining([
        { order_id: abandoned?.order_id, status: 'released', ordered: false },
        { order_id: order.id, status: 'held', ordered: true },
      ]),
    );
    expect(await releasedEvents(abandoned?.order_id ?? '')).toBe(1);
    // The order that exists is never asked about again, nor released.
    expect(await inventory.unmatched(abandonedAfterMs)).not.toContain(order.id);
    await reconcile();
    expect(await availableStock(app, lamp.id)).toBe(2);

    await eventually(
      async () => ((await paymentsOf(order.id))?.payments === 1 ? true : undefined),
      10_000,
      'the order’s payment started',
    );
    expect(await paymentsOf(abandoned?.order_id ?? '')).toEqual({ payments: 0, placed: 0 });
  });

  it('writes no order for a reservation that came back after the deadline: stock back at once, no payment, and a retry places it', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 3, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 2);
    const key = randomUUID();
    let late = '';
    const slow = duringReservation(user, key, async (orderId) => {
      late = orderId;
      clockOffsetMs += orderDeadlineMs + 1_000;
    });
    const refused = await checkout(user, key).finally(slow.restore);
    expect([refused.status, refused.body.code]).toEqual([502, 'bad_gateway']);
    expect(await availableStock(app, lamp.id)).toBe(3);
    expect((await call(app, 'GET', '/api/v1/orders', { token: user.accessToken })).body.items).toEqual([]);

    const placed = await checkout(user, key);
    expect(placed.status, placed.text).toBe(202);
    expect(placed.headers['idempotent-replayed']).toBeUndefined();
    expect(await availableStock(app, lamp.id)).toBe(1);
    await eventually(
      async () => ((await paymentsOf(placed.body.order.id))?.payments === 1 ? true : undefined),
      10_000,
      'the order’s payment started',
    );
    expect(await paymentsOf(late)).toEqual({ payments: 0, placed: 0 });
  });
});
