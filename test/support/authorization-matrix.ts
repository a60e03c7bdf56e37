import { call, createProduct, unique, uniqueEmail, type TestUser } from './http.js';
import { eventually } from './eventually.js';
import type { TestApp } from './test-app.js';

export type Who = 'anonymous' | 'customerA' | 'customerB' | 'admin';
export const everyone: Who[] = ['anonymous', 'customerA', 'customerB', 'admin'];

/** A status, or [own resource, another user's resource] for routes that name a user's resource. */
type Cell = number | [own: number, others: number];

export interface Scene {
  users: Record<Exclude<Who, 'anonymous'>, TestUser>;
  app: TestApp;
}

/** One cell's request: who sends it, and whose resource it names. */
interface CellContext {
  scene: Scene;
  sender?: TestUser;
  owner: TestUser;
}

interface Request {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Instead of the sender's standing token (a session that may end in this cell). */
  token?: string;
  /** What the owner sees of the resource, which another user's request must leave as it was. */
  ownerView?: () => Promise<unknown>;
}

interface Row {
  cells: Record<Who, Cell>;
  request: (context: CellContext) => Promise<Request>;
}

const row = (request: Row['request'], anonymous: Cell, customerA: Cell, customerB: Cell, admin: Cell): Row => ({
  request,
  cells: { anonymous, customerA, customerB, admin },
});

const address = (owner: TestUser) => ({
  name: `Recipient ${owner.email}`,
  line1: '1 Main St',
  city: 'Town',
  postalCode: '1000',
  country: 'GB',
});

async function product({ app, users }: Scene) {
  return (await createProduct(app, users.admin, 100, 900, 'Matrix')).id;
}

async function cartLine(scene: Scene, owner: TestUser) {
  const productId = await product(scene);
  const added = await call(scene.app, 'POST', '/api/v1/cart/items', {
    token: owner.accessToken,
    body: { productId, quantity: 1 },
  });
  if (added.status !== 200) throw new Error(`adding to the cart failed: ${added.status} ${added.text}`);
  return productId;
}

export async function order(scene: Scene, owner: TestUser, status: 'pending_payment' | 'confirmed') {
  await cartLine(scene, owner);
  const placed = await call(scene.app, 'POST', '/api/v1/checkout', {
    token: owner.accessToken,
    headers: { 'idempotency-key': unique('matrix') },
    body: { shippingAddress: address(owner), payment: { token: 'tok_visa' } },
  });
  if (placed.status !== 202) throw new Error(`checkout failed: ${placed.status} ${placed.text}`);
  const id = placed.body.order.id as string;
  if (status === 'confirmed') {
    await eventually(
      async () =>
        (await call(scene.app, 'GET', `/api/v1/orders/${id}`, { token: owner.accessToken })).body.status === 'confirmed'
          ? true
          : undefined,
      15_000,
      'order confirmed',
    );
  }
  return id;
}

async function freshSession({ app }: Scene, user: TestUser) {
  const res = await call(app, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: user.password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string };
}

const viewOf = (scene: Scene, owner: TestUser, url: string) => async () =>
  (await call(scene.app, 'GET', url, { token: owner.accessToken })).body;

/**
 * Every route the app serves, and what each kind of caller gets from it. A column holds one
 * status, or [own, another's] where the route names a user's resource: customer A's "another's"
 * is B's, everybody else's is A's. Another user's resource is always 404, never their data.
 */
export const matrix: Record<string, Row> = {
  //                                                                                          anonymous  customer A  customer B  admin
  'POST /api/v1/auth/register': row(
    async () => ({
      url: '/api/v1/auth/register',
      body: { email: uniqueEmail('matrix'), password: 'matrix password', name: 'Matrix' },
    }),
    201,
    201,
    201,
    201,
  ),
  'POST /api/v1/auth/login': row(
    async ({ owner }) => ({ url: '/api/v1/auth/login', body: { email: owner.email, password: owner.password } }),
    200,
    200,
    200,
    200,
  ),
  'POST /api/v1/auth/refresh': row(
    async ({ scene, owner }) => ({
      url: '/api/v1/auth/refresh',
      body: { refreshToken: (await freshSession(scene, owner)).refreshToken },
    }),
    200,
    200,
    200,
    200,
  ),
  'POST /api/v1/auth/logout': row(
    async ({ scene, sender }) => ({
      url: '/api/v1/auth/logout',
      ...(sender ? { token: (await freshSession(scene, sender)).accessToken } : {}),
    }),
    401,
    204,
    204,
    204,
  ),
  'GET /api/v1/me': row(async () => ({ url: '/api/v1/me' }), 401, 200, 200, 200),
  'GET /api/v1/products': row(async () => ({ url: '/api/v1/products' }), 200, 200, 200, 200),
  'GET /api/v1/products/:id': row(
    async ({ scene }) => ({ url: `/api/v1/products/${await product(scene)}` }),
    200,
    200,
    200,
    200,
  ),
  'POST /api/v1/products': row(
    async () => ({
      url: '/api/v1/products',
      body: { sku: unique('MX'), name: 'Matrix', description: 'x', price: { amount: 100 } },
    }),
    401,
    403,
    403,
    201,
  ),
  'PATCH /api/v1/products/:id': row(
    async ({ scene }) => ({ url: `/api/v1/products/${await product(scene)}`, body: { name: 'Renamed' } }),
    401,
    403,
    403,
    200,
  ),
  'DELETE /api/v1/products/:id': row(
    async ({ scene }) => ({ url: `/api/v1/products/${await product(scene)}` }),
    401,
    403,
    403,
    204,
  ),
  'POST /api/v1/products/:id/inventory-adjustments': row(
    async ({ scene }) => ({
      url: `/api/v1/products/${await product(scene)}/inventory-adjustments`,
      body: { delta: 5, reason: 'Count' },
    }),
    401,
    403,
    403,
    200,
  ),
  'GET /api/v1/categories': row(async () => ({ url: '/api/v1/categories' }), 200, 200, 200, 200),
  'POST /api/v1/categories': row(
    async () => ({ url: '/api/v1/categories', body: { slug: unique('mx').toLowerCase(), name: 'Matrix' } }),
    401,
    403,
    403,
    201,
  ),
  'GET /api/v1/cart': row(async () => ({ url: '/api/v1/cart' }), 401, 200, 200, 200),
  'POST /api/v1/cart/items': row(
    async ({ scene }) => ({ url: '/api/v1/cart/items', body: { productId: await product(scene), quantity: 1 } }),
    401,
    200,
    200,
    200,
  ),
  // Nobody can name another's cart: a line set by its product goes into the sender's own cart.
  'PUT /api/v1/cart/items/:productId': row(
    async ({ scene, owner }) => ({
      url: `/api/v1/cart/items/${await cartLine(scene, owner)}`,
      body: { quantity: 3 },
      ownerView: viewOf(scene, owner, '/api/v1/cart'),
    }),
    401,
    [200, 200],
    [200, 200],
    [200, 200],
  ),
  'DELETE /api/v1/cart/items/:productId': row(
    async ({ scene, owner }) => ({
      url: `/api/v1/cart/items/${await cartLine(scene, owner)}`,
      ownerView: viewOf(scene, owner, '/api/v1/cart'),
    }),
    401,
    [200, 404],
    [200, 404],
    [200, 404],
  ),
  'DELETE /api/v1/cart': row(async () => ({ url: '/api/v1/cart' }), 401, 204, 204, 204),
  'POST /api/v1/checkout': row(
    async ({ scene, sender }) => {
      if (sender) await cartLine(scene, sender);
      return {
        url: '/api/v1/checkout',
        headers: { 'idempotency-key': unique('matrix') },
        body: { shippingAddress: address(sender ?? scene.users.customerA), payment: { token: 'tok_visa' } },
      };
    },
    401,
    202,
    202,
    202,
  ),
  'GET /api/v1/orders': row(async () => ({ url: '/api/v1/orders' }), 401, 200, 200, 200),
  'GET /api/v1/orders/:id': row(
    async ({ scene, owner }) => ({ url: `/api/v1/orders/${await order(scene, owner, 'pending_payment')}` }),
    401,
    [200, 404],
    [200, 404],
    [200, 404],
  ),
  'POST /api/v1/orders/:id/cancel': row(
    async ({ scene, owner }) => {
      const id = await order(scene, owner, 'pending_payment');
      return { url: `/api/v1/orders/${id}/cancel`, ownerView: viewOf(scene, owner, `/api/v1/orders/${id}`) };
    },
    401,
    [200, 404],
    [200, 404],
    [200, 404],
  ),
  'GET /api/v1/admin/orders': row(async () => ({ url: '/api/v1/admin/orders' }), 401, 403, 403, 200),
  'POST /api/v1/admin/orders/:id/ship': row(
    async ({ scene, owner }) => ({
      url: `/api/v1/admin/orders/${await order(scene, owner, 'confirmed')}/ship`,
      body: { carrier: 'DHL', trackingNumber: 'JD0146' },
    }),
    401,
    403,
    403,
    200,
  ),
  'GET /api/v1/notifications': row(async () => ({ url: '/api/v1/notifications' }), 401, 200, 200, 200),
  // Operational, never on the public entry point (API.md, Operations).
  'GET /metrics': row(async () => ({ url: '/metrics' }), 404, 404, 404, 404),
};

/** Served for people and operators, outside the API: documentation and health probes. */
export const outsideTheMatrix = new Set([
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/json',
  'GET /docs/yaml',
  'GET /docs/static/*',
  'GET /docs/static/index.html',
  'GET /docs/static/swagger-initializer.js',
  'GET /health/live',
  'GET /health/ready',
]);

/** The GET row of a HEAD route (Fastify serves HEAD beside every GET): a HEAD answers as its GET does. */
export const rowKeyOf = (route: string) => route.replace(/^HEAD /, 'GET ');
