import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger.js';
import { createMetrics } from '../src/platform/metrics/metrics.js';
import { buildHttpApp, type HttpApp } from '../src/platform/http/build-http-app.js';
import { AppError } from '../src/platform/http/errors.js';
import { createHttpInventoryClient } from '../src/services/orders/clients/http-inventory-client.js';
import { createHttpCartClient } from '../src/services/orders/clients/http-cart-client.js';
import { ServicePool } from '../src/platform/http/service-pool.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser } from './support/http.js';

// The clients an orders service uses when catalog and cart run in other processes, against their
// real internal routes on a real socket (test apps are gateways, which never mount /internal).
describe.each(profiles)('orders’ HTTP clients for catalog and cart (%s profile)', (profile) => {
  let app: TestApp;
  let internal: HttpApp;
  let baseUrl: string;
  const pools: ServicePool[] = [];
  const poolOf = (url: string) => {
    const pool = new ServicePool([url]);
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['identity', 'catalog', 'cart'], background: false });
    internal = buildHttpApp({
      config: app.config,
      logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
      metrics: createMetrics(),
    });
    for (const name of ['catalog', 'cart'] as const) {
      const service = app.services.get(name);
      await internal.register(async (scope) => service?.internalRoutes?.(scope as HttpApp), { prefix: '/internal' });
    }
    baseUrl = await internal.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const pool of pools) await pool.destroy();
    await internal?.close();
    await app?.close();
  });

  it('reserves, reports shortages, releases and commits through the catalog’s internal routes', async () => {
    const admin = await createAdmin(app);
    const created = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `CLI-${randomBytes(4).toString('hex')}`,
        name: 'Remote widget',
        description: '',
        price: { amount: 450 },
        stock: 3,
      },
    });
    const product = created.body as { id: string; sku: string; name: string };
    const inventory = createHttpInventoryClient(poolOf(baseUrl));
    const orderId = `ord_${randomBytes(16).toString('hex')}`;

    expect(await inventory.reserve(orderId, [{ productId: product.id, quantity: 2 }])).toEqual({
      ok: true,
      lines: [
        {
          productId: product.id,
          sku: product.sku,
          name: product.name,
          unitPrice: { amount: 450, currency: 'USD' },
          quantity: 2,
        },
      ],
    });
    expect(await inventory.reserve(randomUUID(), [{ productId: product.id, quantity: 2 }])).toEqual({
      ok: false,
      shortages: [{ productId: product.id, requested: 2, available: 1 }],
    });
    expect(await inventory.release(orderId)).toEqual({ orderId, status: 'released' });
    const again = `ord_${randomBytes(16).toString('hex')}`;
    expect((await inventory.reserve(again, [{ productId: product.id, quantity: 3 }])).ok).toBe(true);
    expect(await inventory.commit(again)).toEqual({ orderId: again, status: 'committed' });
  });

  it('lists reservations held without a known order, and no longer those matched with one', async () => {
    const admin = await createAdmin(app);
    const created = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `CLI-${randomBytes(4).toString('hex')}`,
        name: 'Held widget',
        description: '',
        price: { amount: 450 },
        stock: 3,
      },
    });
    const inventory = createHttpInventoryClient(poolOf(baseUrl));
    const [placed, abandoned] = [`ord_${randomBytes(16).toString('hex')}`, `ord_${randomBytes(16).toString('hex')}`];
    for (const orderId of [placed, abandoned])
      expect((await inventory.reserve(orderId, [{ productId: created.body.id, quantity: 1 }])).ok).toBe(true);

    expect(await inventory.unmatched(60_000)).not.toContain(placed);
    expect(await inventory.unmatched(0)).toEqual(expect.arrayContaining([placed, abandoned]));
    await inventory.match([placed]);
    await inventory.match([placed]);
    const unmatched = await inventory.unmatched(0);
    expect(unmatched).toContain(abandoned);
    expect(unmatched).not.toContain(placed);
    await inventory.release(abandoned);
    expect(await inventory.unmatched(0)).not.toContain(abandoned);
  });

  it('reads a user’s cart lines and takes an order out of it through the cart’s internal routes', async () => {
    const admin = await createAdmin(app);
    const user = await registerUser(app);
    const created = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `CLI-${randomBytes(4).toString('hex')}`,
        name: 'Remote mug',
        description: '',
        price: { amount: 900 },
        stock: 9,
      },
    });
    await call(app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId: created.body.id, quantity: 4 },
    });
    const carts = createHttpCartClient(poolOf(baseUrl));
    const read = await carts.linesOf(user.id);
    expect(read).toEqual({
      items: [{ productId: created.body.id, quantity: 4 }],
      version: expect.any(String),
      subtotal: { amount: 3600, currency: 'USD' },
    });
    expect((await carts.linesOf('usr_nobody')).items).toEqual([]);

    const order = { orderId: 'ord_remote_take', userId: user.id, items: [{ productId: created.body.id, quantity: 3 }] };
    await carts.takeOrder(order);
    await carts.takeOrder(order);
    const after = await carts.linesOf(user.id);
    expect(after.items).toEqual([{ productId: created.body.id, quantity: 1 }]);
    expect(after.version).not.toBe(read.version);
  });

  it('reports a service that does not answer as 502 bad_gateway', async () => {
    const gone = createHttpInventoryClient(poolOf('http://127.0.0.1:9'));
    await expect(gone.release('ord_x')).rejects.toSatisfy(
      (err) => err instanceof AppError && err.code === 'bad_gateway',
    );
  });
});
