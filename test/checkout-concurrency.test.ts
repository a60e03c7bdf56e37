import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { quiescent } from './support/quiescence.js';
import { markerKey } from '../src/platform/http/idempotency.js';
import { checkoutLockTtlMs } from '../src/services/orders/domain/checkout.js';

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** A double click or several tabs: one cart, checked out at once with a new key each. */
describe.each(layouts)('concurrent checkouts of one cart (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;

  const checkout = (user: TestUser, key = randomUUID()) =>
    call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': key },
      body: { shippingAddress: address, payment: { token: 'tok_visa' } },
    });
  const ordersOf = async (user: TestUser) =>
    (await call(app, 'GET', '/api/v1/orders?limit=100', { token: user.accessToken })).body.items as {
      id: string;
      status: string;
      items: { productId: string; quantity: number }[];
    }[];
  const successfulCharges = async (userId: string) => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from payments.processor_ledger l join payments.payments p on l.idempotency_key = p.id
      where p.order_id in (select id from orders.orders where user_id = ${userId}) and l.kind = 'charge' and l.outcome = 'succeeded'`.execute(
      app.infrastructure.db.root,
    );
    return rows[0]?.n;
  };
  /** One 202, every other answer a 409 checkout_in_progress or a 422 cart_empty. */
  const expectOnePlaced = (answers: CallResult[]) => {
    const placed = answers.filter((a) => a.status === 202);
    expect(placed, answers.map((a) => `${a.status} ${a.text}`).join('\n')).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 202)) {
      expect([`${refused.status} ${refused.body?.code}`]).toEqual([
        expect.stringMatching(/^(409 checkout_in_progress|422 cart_empty)$/),
      ]);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    return placed[0]?.body.order as { id: string };
  };
  /** The order gets confirmed, and once the saga has settled the user was charged once in all. */
  const expectChargedOnce = async (user: TestUser, orderId: string) => {
    await eventually(
      async () => {
        const res = await call(app, 'GET', `/api/v1/orders/${orderId}`, { token: user.accessToken });
        return res.body.status === 'confirmed' ? res.body : undefined;
      },
      15_000,
      `order ${orderId} confirmed`,
    );
    await quiescent(app);
    expect(await successfulCharges(user.id)).toBe(1);
  };

  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity', 'catalog', 'cart', 'orders', 'payments'],
      config: { paymentRetryBaseMs: 20 },
    });
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  it('places one order for 5 parallel checkouts of a one-unit cart: stock down by 1, one charge', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 1);

    const order = expectOnePlaced(await Promise.all(Array.from({ length: 5 }, () => checkout(user))));

    expect((await ordersOf(user)).map((o) => o.id)).toEqual([order.id]);
    expect(await availableStock(app, lamp.id)).toBe(9);
    await expectChargedOnce(user, order.id);
    expect(await availableStock(app, lamp.id)).toBe(9);
    expect((await call(app, 'GET', '/api/v1/cart', { token: user.accessToken })).body.items).toEqual([]);
  });

  it('places one order for 2 parallel checkouts of a two-line cart, with every line once', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    const bulb = await createProduct(app, admin, 10, 250, 'Bulb');
    await addToCart(app, user, lamp.id, 2);
    await addToCart(app, user, bulb.id, 3);

    const order = expectOnePlaced(await Promise.all([checkout(user), checkout(user)]));

    const orders = await ordersOf(user);
    expect(orders.map((o) => o.id)).toEqual([order.id]);
    expect(orders[0]?.items.map((i) => [i.productId, i.quantity]).sort()).toEqual(
      [
        [lamp.id, 2],
        [bulb.id, 3],
      ].sort(),
    );
    expect([await availableStock(app, lamp.id), await availableStock(app, bulb.id)]).toEqual([8, 7]);
    await expectChargedOnce(user, order.id);
  });

  it('refuses a later checkout of the emptied cart (422), and places the next cart once the customer adds again', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 1);
    const first = await checkout(user);
    expect(first.status, first.text).toBe(202);

    const again = await checkout(user);
    expect([again.status, again.body.code]).toEqual([422, 'cart_empty']);

    // At once, not after some expiry: nothing of the first checkout holds the cart any more.
    await addToCart(app, user, lamp.id, 2);
    const next = await checkout(user);
    expect(next.status, next.text).toBe(202);
    expect(next.body.order.items).toMatchObject([{ productId: lamp.id, quantity: 2 }]);
    expect((await ordersOf(user)).map((o) => o.id)).toEqual([next.body.order.id, first.body.order.id]);
    expect(await availableStock(app, lamp.id)).toBe(7);
  });

  it('places one order when every checkout gets the lock (one expired under a slow checkout): the cart version decides', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 1);
    // The stores of every process that runs orders or cart: one in one process, several apart.
    const stores = [
      ...new Set(
        [...app.instancesServing('orders'), ...app.instancesServing('cart')].map((proc) => proc.infrastructure.kv),
      ),
    ];
    const originals = stores.map((kv) => ({ kv, set: kv.set, compareAndSet: kv.compareAndSet }));
    // Each checkout finds the lock free, as if the one before had held it past its expiry, and the
    // cart is slow to take the order out: every checkout reads the full cart.
    for (const { kv, set, compareAndSet } of originals) {
      kv.set = (key, value, options) =>
        set.call(kv, key, value, key.startsWith('orders:checkout-lock:') ? { ...options, ifAbsent: false } : options);
      kv.compareAndSet = async (key, ...rest) => {
        if (key.startsWith('cart:')) await new Promise((r) => setTimeout(r, 300));
        return compareAndSet.call(kv, key, ...rest);
      };
    }
    try {
      const order = expectOnePlaced(await Promise.all(Array.from({ length: 5 }, () => checkout(user))));
      expect((await ordersOf(user)).map((o) => o.id)).toEqual([order.id]);
      expect(await availableStock(app, lamp.id)).toBe(9);
      await expectChargedOnce(user, order.id);
    } finally {
      for (const { kv, set, compareAndSet } of originals) Object.assign(kv, { set, compareAndSet });
    }
  });

  it('holds a lock left by a process that died for at most its expiry, and answers a retry of that checkout', async () => {
    const user = await registerUser(app);
    const lamp = await createProduct(app, admin, 10, 1999, 'Lamp');
    await addToCart(app, user, lamp.id, 1);
    const key = randomUUID();
    const placed = await checkout(user, key);
    expect(placed.status, placed.text).toBe(202);

    // The lock of a checkout whose process died, and the marker of its key expired.
    const lock = `orders:checkout-lock:${user.id}`;
    await app.infrastructure.kv.set(lock, 'a process that died', { ttlMs: checkoutLockTtlMs });
    await app.infrastructure.kv.del(markerKey({ userId: user.id }, key));
    await addToCart(app, user, lamp.id, 1);
    const blocked = await checkout(user);
    expect([blocked.status, blocked.body.code]).toEqual([409, 'checkout_in_progress']);
    expect(await app.infrastructure.kv.ttl(lock)).toBeLessThanOrEqual(checkoutLockTtlMs);
    expect(checkoutLockTtlMs).toBeLessThanOrEqual(10_000);

    const retried = await checkout(user, key);
    expect(retried.status, retried.text).toBe(202);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(placed.body);

    await app.infrastructure.kv.del(lock);
    const next = await checkout(user);
    expect(next.status, next.text).toBe(202);
    expect((await ordersOf(user)).map((o) => o.id)).toEqual([next.body.order.id, placed.body.order.id]);
  });
});
