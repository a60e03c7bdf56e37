import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryApi } from '../src/contracts/api/inventory.js';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { runningMarkerTtlMs } from '../src/services/orders/domain/checkout-key-marker.js';
import { checkoutLockTtlMs } from '../src/services/orders/domain/checkout-lock.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { addToCart, availableStock, call, createAdmin, createProduct, registerUser, type CallResult, type TestUser } from './support/http.js';
import { eventually, settle } from './support/eventually.js';

const address = { name: 'Grace Hopper', line1: '1 Navy Yard', city: 'Arlington', postalCode: '22202', country: 'US' };

/**
 * An orders process that dies mid-checkout, simulated in-process: what it leaves behind (its
 * checkout lock and key marker, a reservation without an order) is put back as a dead process
 * leaves it, and the test looks at what the customer sees next.
 */
describe.each(layouts)('checkouts whose process died (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let inventory: InventoryApi;

  // tok_processingError fails at first and is retried an hour later: orders stay unpaid, their stock held.
  const checkout = (user: TestUser, key = randomUUID()) =>
    call(app, 'POST', '/api/v1/checkout', {
      token: user.accessToken,
      headers: { 'idempotency-key': key },
      body: { shippingAddress: address, payment: { token: 'tok_processingError' } },
    });
  /**
   * Runs `during` inside the catalog's reservation of the user's next checkout (whose order id it
   * gets), and returns what the checkout held meanwhile in the key-value store: its lock and the
   * marker of its key, as a process that died there would leave them.
   */
  const duringReservation = (user: TestUser, key: string, during: (orderId: string) => Promise<void> = async () => undefined) => {
    const kv = app.serving('orders').infrastructure.kv;
    const leases = { marker: `orders:checkout:${user.id}:${key}`, lock: `orders:checkout-lock:${user.id}` };
    const held = { marker: '', lock: '' };
    const reserve = inventory.reserve;
    inventory.reserve = async (orderId, lines) => {
      held.marker ||= (await kv.get(leases.marker)) ?? '';
      held.lock ||= (await kv.get(leases.lock)) ?? '';
      const result = await reserve.call(inventory, orderId, lines);
      await during(orderId);
      return result;
    };
    return {
      restore: () => void (inventory.reserve = reserve),
      /** Puts the lock and the marker back as the process left them when it died. */
      leaveBehind: async () => {
        expect(held.marker && held.lock).toBeTruthy();
        await kv.set(leases.marker, held.marker, { ttlMs: runningMarkerTtlMs });
        await kv.set(leases.lock, held.lock, { ttlMs: checkoutLockTtlMs });
      },
    };
  };
  /** Retries until the checkout is placed; every answer before is a 409 saying it still runs. */
  const retryUntilPlaced = async (send: () => Promise<CallResult>, withinMs: number) => {
    const waits: CallResult[] = [];
    const placed = await eventually(async () => {
      const res = await send();
      if (res.status === 202) return res;
      waits.push(res);
      await settle(100);
      return undefined;
    }, withinMs, 'a placed checkout');
    for (const wait of waits) expect(`${wait.status} ${wait.body?.code}`).toMatch(/^409 (idempotency_request_in_progress|checkout_in_progress)$/);
    return placed;
  };

  beforeAll(async () => {
    app = await createTestApp(profile, {
      services: ['identity', 'catalog', 'cart', 'orders', 'payments'],
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

  it('runs a retry again within seconds when the checkout died before writing its order', async () => {
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
    const placed = await retryUntilPlaced(() => checkout(user, key), Math.max(runningMarkerTtlMs, checkoutLockTtlMs) + 2_000);
    expect(placed.headers['idempotent-replayed']).toBeUndefined();
    expect(await availableStock(app, lamp.id)).toBe(0);
  });
});
