import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger.js';
import { createMetrics } from '../src/platform/metrics/metrics.js';
import { buildHttpApp, type HttpApp } from '../src/platform/http/build-http-app.js';
import type { CartService } from '../src/services/cart/cart-service.js';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { createHttpProductReader } from '../src/services/cart/clients/http-product-reader.js';
import { ServicePool } from '../src/platform/http/service-pool.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser } from './support/http.js';

/** The cart's internal route for orders, and its HTTP client of the catalog, over real sockets. */
describe.each(profiles)('cart across processes (%s profile)', (profile) => {
  let app: TestApp;
  // Test apps are gateways, which never mount /internal: the routes get an app of their own here.
  let internal: HttpApp;
  let internalUrl: string;
  let broken: Server;
  let brokenUrl: string;
  // Whether the broken catalog stays silent rather than refusing.
  let silent = false;
  const pools: ServicePool[] = [];
  const poolOf = (url: string) => {
    const pool = new ServicePool([url]);
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    app = await createTestApp(profile, { background: false });
    internal = buildHttpApp({
      config: app.config,
      logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
      metrics: createMetrics(),
    });
    for (const name of ['catalog', 'cart'] as const) {
      const service = app.services.get(name) as CatalogService | CartService;
      await internal.register(async (scope) => service.internalRoutes?.(scope as HttpApp), { prefix: '/internal' });
    }
    internalUrl = await internal.listen({ port: 0, host: '127.0.0.1' });
    broken = createServer((request, response) => {
      if (silent) return;
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const pool of pools) await pool.destroy();
    broken?.closeAllConnections();
    broken?.close();
    await internal?.close();
    await app?.close();
  });

  it("serves a user's lines at GET /internal/carts/{userId}/lines", async () => {
    const admin = await createAdmin(app);
    const user = await registerUser(app);
    const product = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `CI-${randomBytes(4).toString('hex')}`,
        name: 'Kettle',
        description: '',
        price: { amount: 900 },
        stock: 3,
      },
    });
    await call(app, 'POST', '/api/v1/cart/items', {
      token: user.accessToken,
      body: { productId: product.body.id, quantity: 2 },
    });

    const lines = await fetch(`${internalUrl}/internal/carts/${user.id}/lines`);
    expect(lines.status).toBe(200);
    expect(await lines.json()).toEqual({
      items: [{ productId: product.body.id, quantity: 2 }],
      version: expect.any(String),
      subtotal: { amount: 1800, currency: 'USD' },
    });
    const none = await fetch(`${internalUrl}/internal/carts/usr_nobody/lines`);
    expect(await none.json()).toEqual({
      items: [],
      version: expect.any(String),
      subtotal: { amount: 0, currency: 'USD' },
    });

    const reader = createHttpProductReader(poolOf(internalUrl));
    expect(await reader.productsByIds([product.body.id, 'prod_nothing', product.body.id])).toEqual([
      {
        id: product.body.id,
        sku: product.body.sku,
        name: 'Kettle',
        price: { amount: 900, currency: 'USD' },
        active: true,
      },
    ]);
    expect(await reader.productsByIds([])).toEqual([]);
    await call(app, 'PATCH', `/api/v1/products/${product.body.id}`, {
      token: admin.accessToken,
      body: { price: { amount: 950 } },
    });
    expect(await reader.productsByIds([product.body.id])).toMatchObject([
      { id: product.body.id, price: { amount: 950 } },
    ]);
  });

  it('turns a failing or silent catalog into 502 bad_gateway without naming it', async () => {
    const failing = createHttpProductReader(poolOf(brokenUrl), { timeoutMs: 200 });
    await expect(failing.productsByIds(['prod_x'])).rejects.toMatchObject({
      code: 'bad_gateway',
      message: 'The catalog refused a product lookup.',
    });
    silent = true;
    const err = await failing.productsByIds(['prod_x']).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ code: 'bad_gateway', message: 'The catalog did not answer a product lookup in time.' });
    expect(String((err as Error).cause)).toContain(`POST /internal/products/lookup to ${brokenUrl} failed`);
  });
});
