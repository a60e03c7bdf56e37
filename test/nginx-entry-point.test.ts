import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProcess, type EmporiumProcess } from '../src/apps/build-process.js';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createAdmin, createProduct, registerUser, type TestUser } from './support/http.js';
import { startNginx } from './support/nginx.js';

const address = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/**
 * deploy/nginx in front of the gateways: one process's on the embedded and real profiles, two
 * gateway processes in front of the same services on the split layout.
 */
describe.each(layouts)('nginx as the public entry point (%s profile)', (profile) => {
  let app: TestApp;
  let second: EmporiumProcess | undefined;
  let secondDir: string | undefined;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let admin: TestUser;
  const gateways: string[] = [];
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${nginx.url}${path}`, { headers });

  beforeAll(async () => {
    app = await createTestApp(profile, {
      config: { host: '127.0.0.1', port: 0, trustedProxies: ['127.0.0.1'], httpMaxAgeSeconds: 30 },
    });
    gateways.push(app.baseUrl ?? (await app.listen()));
    if (profile === 'split') {
      secondDir = mkdtempSync(join(tmpdir(), 'emporium-gateway-'));
      second = await buildProcess({
        config: { ...app.config, dataDir: secondDir },
        services: [],
        gateway: true,
        announce: () => undefined,
      });
      gateways.push(await second.listen());
    }
    nginx = await startNginx(gateways);
    admin = await createAdmin(app);
  });
  afterAll(async () => {
    await nginx?.stop();
    await second?.stop();
    if (secondDir) rmSync(secondDir, { recursive: true, force: true });
    await app?.close();
  });

  it('takes a customer from sign-up to a placed order', async () => {
    const product = await createProduct(app, admin, 5, 1999);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${nginx.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const signedUp = await post('/api/v1/auth/register', {
      email: `edge-${randomUUID()}@example.com`,
      password: 'correct horse battery',
      name: 'Edge',
    });
    expect(signedUp.status).toBe(201);
    const bearer = { authorization: `Bearer ${((await signedUp.json()) as { accessToken: string }).accessToken}` };
    expect((await post('/api/v1/cart/items', { productId: product.id, quantity: 2 }, bearer)).status).toBe(200);
    const placed = await post(
      '/api/v1/checkout',
      { shippingAddress: address, payment: { token: 'tok_visa' } },
      { ...bearer, 'idempotency-key': randomUUID() },
    );
    expect(placed.status, await placed.clone().text()).toBe(202);
    expect(((await placed.json()) as { order: { status: string } }).order.status).toBe('pending_payment');
  });

  it("keeps public catalog reads for as long as their Cache-Control says, and never a signed-in one's", async () => {
    const product = await createProduct(app, admin, 5, 1999);
    const path = `/api/v1/products/${product.id}`;
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-cache-status')).toBe('MISS');
    const again = await get(path);
    expect(again.headers.get('x-cache-status')).toBe('HIT');
    expect(await again.json()).toEqual(await first.json());
    const signedIn = await get(path, { authorization: `Bearer ${admin.accessToken}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('x-cache-status')).toBe('BYPASS');
    // Private answers say no-store and are never kept.
    const user: TestUser = await registerUser(app);
    const cart = await get('/api/v1/cart', { authorization: `Bearer ${user.accessToken}` });
    expect(cart.headers.get('x-cache-status')).toBeNull();
  });

  it('compresses JSON for clients that accept gzip', async () => {
    const res = await get('/openapi.json', { 'accept-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('does not expose metrics or internal routes', async () => {
    expect((await get('/metrics')).status).toBe(404);
    expect((await get('/internal/carts/usr_1/lines')).status).toBe(404);
    expect((await get('/internal/inventory/reservations')).status).toBe(404);
  });

  it('passes on the request id the client gave, and makes one up otherwise', async () => {
    // Twice each: the second answer of a public read comes from the cache, under its own id.
    for (const path of ['/api/v1/me', '/api/v1/categories', '/api/v1/categories']) {
      expect((await get(path, { 'x-request-id': `edge-${path.length}` })).headers.get('x-request-id'), path).toBe(
        `edge-${path.length}`,
      );
      expect((await get(path)).headers.get('x-request-id'), path).toMatch(/^[0-9a-f]{32}$/);
    }
    const cached = await get('/api/v1/categories');
    expect(cached.headers.get('x-cache-status')).toBe('HIT');
    expect(cached.headers.get('ratelimit-remaining')).toBeNull();
  });

  if (profile === 'split') {
    it('keeps answering reads when one gateway stops', async () => {
      await second?.stop();
      second = undefined;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => get('/api/v1/categories', { authorization: `Bearer ${admin.accessToken}` })),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    });
  }
});
