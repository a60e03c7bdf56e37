import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { profiles } from './support/infra.js';
import { createFakeClock } from './support/fake-clock.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, type TestUser, createProduct } from './support/http.js';

describe.each(profiles)('inventory and reservations (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  let catalog: CatalogService;
  const clock = createFakeClock();
  const reservationTtlSeconds = 900;

  const newProduct = (stock: number, price = 1250) => createProduct(app, admin, stock, price, 'Widget');
  const adjust = (id: string, delta: number, reason = 'Stocktake') =>
    call(app, 'POST', `/api/v1/products/${id}/inventory-adjustments`, {
      token: admin.accessToken,
      body: { delta, reason },
    });
  const available = async (id: string) =>
    (await call(app, 'GET', `/api/v1/products/${id}`)).body.stock.available as number;
  const stockRow = async (id: string) =>
    (
      await sql<{
        on_hand: number;
        reserved: number;
      }>`select on_hand, reserved from catalog.inventory where product_id = ${id}`.execute(app.infrastructure.db.root)
    ).rows[0];
  const outboxTypes = async (match: string) =>
    (
      await sql<{
        type: string;
      }>`select type from catalog.outbox where data::text like ${`%${match}%`} order by seq`.execute(
        app.infrastructure.db.root,
      )
    ).rows.map((r) => r.type);

  beforeAll(async () => {
    app = await createTestApp(profile, { config: { reservationTtlSeconds }, clock, background: false });
    admin = await createAdmin(app);
    catalog = app.services.get('catalog') as CatalogService;
  });
  afterAll(() => app?.close());

  it('adjusts stock and reports available, on hand and reserved', async () => {
    const product = await newProduct(3);
    const res = await adjust(product.id, 5, 'Delivery from supplier');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ stock: { available: 8, onHand: 8, reserved: 0 } });
    expect(await available(product.id)).toBe(8);
    expect((await adjust(product.id, -8)).body.stock).toEqual({ available: 0, onHand: 0, reserved: 0 });

    const belowZero = await adjust(product.id, -1);
    expect(belowZero.status).toBe(409);
    expect(belowZero.body.code).toBe('stock_reserved');
    for (const body of [
      { delta: 0, reason: 'nothing' },
      { delta: 1.5, reason: 'half' },
      { delta: 1, reason: '' },
      { delta: 1, reason: 'x'.repeat(201) },
      { delta: 1 },
    ]) {
      const bad = await call(app, 'POST', `/api/v1/products/${product.id}/inventory-adjustments`, {
        token: admin.accessToken,
        body,
      });
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect((await adjust('prod_missing', 1)).status).toBe(404);
  });

  it('never lets on-hand drop below what is reserved (409 stock_reserved)', async () => {
    const product = await newProduct(5);
    expect((await catalog.inventory.reserve(randomUUID(), [{ productId: product.id, quantity: 3 }])).ok).toBe(true);
    const refused = await adjust(product.id, -3);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'stock_reserved', onHand: 5, reserved: 3 });
    expect((await adjust(product.id, -2)).body.stock).toEqual({ available: 0, onHand: 3, reserved: 3 });
  });

  it('lets exactly the stock on hand be reserved by 50 concurrent orders', async () => {
    const product = await newProduct(10);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        catalog.inventory.reserve(randomUUID(), [{ productId: product.id, quantity: 1 }]),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    for (const failed of results.filter((r) => !r.ok)) {
      expect(failed).toEqual({ ok: false, shortages: [{ productId: product.id, requested: 1, available: 0 }] });
    }
    expect(await available(product.id)).toBe(0);
    expect(await stockRow(product.id)).toEqual({ on_hand: 10, reserved: 10 });
  });

  it('reserves every line or none, with catalog prices, and reports the lines short', async () => {
    const plenty = await newProduct(5, 1999);
    const scarce = await newProduct(1, 500);
    const archived = await newProduct(9);
    await call(app, 'DELETE', `/api/v1/products/${archived.id}`, { token: admin.accessToken });

    const refused = await catalog.inventory.reserve(randomUUID(), [
      { productId: plenty.id, quantity: 2 },
      { productId: scarce.id, quantity: 2 },
      { productId: archived.id, quantity: 1 },
      { productId: 'prod_unknown', quantity: 1 },
    ]);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && [...refused.shortages].sort((a, b) => a.productId.localeCompare(b.productId))).toEqual(
      [
        { productId: scarce.id, requested: 2, available: 1 },
        { productId: archived.id, requested: 1, available: 0 },
        { productId: 'prod_unknown', requested: 1, available: 0 },
      ].sort((a, b) => a.productId.localeCompare(b.productId)),
    );
    expect(await stockRow(plenty.id)).toEqual({ on_hand: 5, reserved: 0 });

    const orderId = randomUUID();
    const lines = [
      { productId: scarce.id, quantity: 1 },
      { productId: plenty.id, quantity: 1 },
      { productId: plenty.id, quantity: 2 },
    ];
    const reserved = await catalog.inventory.reserve(orderId, lines);
    expect(reserved.ok).toBe(true);
    expect(reserved.ok && [...reserved.lines].sort((a, b) => a.quantity - b.quantity)).toEqual([
      {
        productId: scarce.id,
        sku: scarce.sku,
        name: scarce.name,
        unitPrice: { amount: 500, currency: 'USD' },
        quantity: 1,
      },
      {
        productId: plenty.id,
        sku: plenty.sku,
        name: plenty.name,
        unitPrice: { amount: 1999, currency: 'USD' },
        quantity: 3,
      },
    ]);
    // The same order again: the same answer, nothing more reserved.
    const again = await catalog.inventory.reserve(orderId, lines);
    expect(again.ok && [...again.lines].sort((a, b) => a.quantity - b.quantity)).toEqual(
      reserved.ok && [...reserved.lines].sort((a, b) => a.quantity - b.quantity),
    );
    expect(await stockRow(plenty.id)).toEqual({ on_hand: 5, reserved: 3 });
    expect(await available(plenty.id)).toBe(2);
  });

  it('reserves an order once for parallel retries, and answers a later retry after its stock ran short', async () => {
    const product = await newProduct(4);
    const orderId = randomUUID();
    const lines = [{ productId: product.id, quantity: 3 }];
    const answers = await Promise.all(Array.from({ length: 5 }, () => catalog.inventory.reserve(orderId, lines)));
    for (const answer of answers) expect(answer).toMatchObject({ ok: true, lines: [{ quantity: 3 }] });
    expect(await stockRow(product.id)).toEqual({ on_hand: 4, reserved: 3 });
    expect(await outboxTypes(orderId)).toEqual(['inventory.reserved']);

    await catalog.inventory.reserve(randomUUID(), [{ productId: product.id, quantity: 1 }]);
    expect(await catalog.inventory.reserve(orderId, lines)).toMatchObject({ ok: true, lines: [{ quantity: 3 }] });
    expect(await stockRow(product.id)).toEqual({ on_hand: 4, reserved: 4 });
  });

  it('commits and releases idempotently', async () => {
    const product = await newProduct(10);
    const paid = randomUUID();
    const cancelled = randomUUID();
    await catalog.inventory.reserve(paid, [{ productId: product.id, quantity: 3 }]);
    await catalog.inventory.reserve(cancelled, [{ productId: product.id, quantity: 2 }]);
    expect(await stockRow(product.id)).toEqual({ on_hand: 10, reserved: 5 });

    expect(await catalog.inventory.commit(paid)).toEqual({ orderId: paid, status: 'committed' });
    expect(await catalog.inventory.commit(paid)).toEqual({ orderId: paid, status: 'committed' });
    expect(await catalog.inventory.release(paid)).toEqual({ orderId: paid, status: 'committed' });
    expect(await stockRow(product.id)).toEqual({ on_hand: 7, reserved: 2 });

    expect(await catalog.inventory.release(cancelled)).toEqual({ orderId: cancelled, status: 'released' });
    expect(await catalog.inventory.release(cancelled)).toEqual({ orderId: cancelled, status: 'released' });
    expect(await catalog.inventory.commit(cancelled)).toEqual({ orderId: cancelled, status: 'released' });
    expect(await stockRow(product.id)).toEqual({ on_hand: 7, reserved: 0 });
    expect(await available(product.id)).toBe(7);

    const nobody = randomUUID();
    expect(await catalog.inventory.commit(nobody)).toEqual({ orderId: nobody, status: 'none' });
    expect(await catalog.inventory.release(nobody)).toEqual({ orderId: nobody, status: 'none' });
  });

  it('releases holds past their expiry when the job runs', async () => {
    const product = await newProduct(4);
    const orderId = randomUUID();
    await catalog.inventory.reserve(orderId, [{ productId: product.id, quantity: 4 }]);
    const job = catalog.jobs?.find((j) => j.name === 'release-expired-reservations');
    expect(job).toBeDefined();
    await job?.run();
    expect(await available(product.id)).toBe(0);

    clock.advance(reservationTtlSeconds * 1000);
    await job?.run();
    expect(await available(product.id)).toBe(4);
    expect(await catalog.inventory.commit(orderId)).toEqual({ orderId, status: 'released' });
    expect(await outboxTypes(orderId)).toEqual(['inventory.reserved', 'inventory.released']);
  });

  it('writes every change to the outbox', async () => {
    const product = await newProduct(2);
    await call(app, 'PATCH', `/api/v1/products/${product.id}`, {
      token: admin.accessToken,
      body: { name: 'Renamed widget' },
    });
    await adjust(product.id, 1);
    const orderId = randomUUID();
    await catalog.inventory.reserve(orderId, [{ productId: product.id, quantity: 1 }]);
    await catalog.inventory.commit(orderId);
    await call(app, 'DELETE', `/api/v1/products/${product.id}`, { token: admin.accessToken });
    expect(await outboxTypes(product.id)).toEqual([
      'product.created',
      'product.updated',
      'inventory.adjusted',
      'inventory.reserved',
      'inventory.committed',
      'product.archived',
    ]);
    const [created] = (
      await sql<{
        data: unknown;
      }>`select data from catalog.outbox where type = 'product.created' and data->>'productId' = ${product.id}`.execute(
        app.infrastructure.db.root,
      )
    ).rows;
    expect(created?.data).toEqual({
      productId: product.id,
      sku: product.sku,
      name: product.name,
      price: { amount: 1250, currency: 'USD' },
    });
  });
});
