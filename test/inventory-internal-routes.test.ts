import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger.js';
import { createMetrics } from '../src/platform/metrics/metrics.js';
import { buildHttpApp, type HttpApp } from '../src/platform/http/build-http-app.js';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin } from './support/http.js';

describe.each(profiles)('inventory internal HTTP routes (%s profile)', (profile) => {
  let app: TestApp;
  // Test apps are gateways, which never mount /internal: the routes get an app of their own here.
  let internal: HttpApp;

  beforeAll(async () => {
    app = await createTestApp(profile, { background: false });
    const catalog = app.services.get('catalog') as CatalogService;
    internal = buildHttpApp({
      config: app.config,
      logger: createLogger({ logLevel: 'silent', logFormat: 'json' }),
      metrics: createMetrics(),
    });
    await internal.register(async (scope) => catalog.internalRoutes?.(scope as HttpApp), { prefix: '/internal' });
    await internal.ready();
  });
  afterAll(async () => {
    await internal?.close();
    await app?.close();
  });

  it('reserves (200, or 409 with the shortages), commits and releases', async () => {
    const admin = await createAdmin(app);
    const created = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: `INT-${randomBytes(4).toString('hex')}`,
        name: 'Internal widget',
        description: '',
        price: { amount: 300 },
        stock: 2,
      },
    });
    const product = created.body as { id: string; sku: string; name: string };
    const post = (url: string, payload?: object) =>
      internal.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
    const orderId = randomUUID();

    const ok = await post('/internal/inventory/reservations', {
      orderId,
      lines: [{ productId: product.id, quantity: 2 }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({
      ok: true,
      lines: [
        {
          productId: product.id,
          sku: product.sku,
          name: product.name,
          unitPrice: { amount: 300, currency: 'USD' },
          quantity: 2,
        },
      ],
    });

    const short = await post('/internal/inventory/reservations', {
      orderId: randomUUID(),
      lines: [{ productId: product.id, quantity: 1 }],
    });
    expect(short.statusCode).toBe(409);
    expect(short.json()).toMatchObject({
      code: 'insufficient_stock',
      shortages: [{ productId: product.id, requested: 1, available: 0 }],
    });
    expect((await post('/internal/inventory/reservations', { orderId, lines: [] })).statusCode).toBe(400);

    expect((await post(`/internal/inventory/reservations/${orderId}/commit`)).json()).toEqual({
      orderId,
      status: 'committed',
    });
    expect((await post(`/internal/inventory/reservations/${orderId}/release`)).json()).toEqual({
      orderId,
      status: 'committed',
    });
    const read = await call(app, 'GET', `/api/v1/products/${product.id}`);
    expect(read.body.stock).toEqual({ available: 0 });
  });
});
