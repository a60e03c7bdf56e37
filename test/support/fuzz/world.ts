import fc from 'fast-check';
import { call, createAdmin, createProduct, registerUser, type CreatedProduct, type TestUser } from '../http.js';
import type { TestApp } from '../test-app.js';
import type { Operation } from './openapi-operations.js';
import { boundaryNumber, nastyString, type Hints } from './schema-values.js';

/** In a refresh body: replaced, when sent, by the refresh token of a session opened for this request alone. */
export const freshRefreshToken = '<refresh token of a fresh session>';

/** What the shop holds before the fuzzer starts: accounts, categories, products and orders to name. */
export interface World {
  admin: TestUser;
  customer: TestUser;
  other: TestUser;
  loginUser: TestUser;
  sessionUser: TestUser;
  products: CreatedProduct[];
  categories: string[];
  orderIds: string[];
}

/** Fills the shop with the world the fuzzer's requests name. */
export async function seedWorld(app: TestApp): Promise<World> {
  const admin = await createAdmin(app);
  const [customer, other, loginUser, sessionUser] = await Promise.all([
    registerUser(app, 'fuzz-customer'),
    registerUser(app, 'fuzz-other'),
    registerUser(app, 'fuzz-login'),
    registerUser(app, 'fuzz-session'),
  ]);
  const categories = ['fuzz-tools', 'fuzz-toys'];
  for (const slug of categories)
    await call(app, 'POST', '/api/v1/categories', { token: admin.accessToken, body: { slug, name: slug } });
  const products: CreatedProduct[] = [];
  for (let i = 0; i < 5; i++) products.push(await createProduct(app, admin, 100_000, 500 + i * 250, `Fuzz${i}`));
  const orderIds: string[] = [];
  for (const buyer of [customer, customer, other]) {
    await call(app, 'POST', '/api/v1/cart/items', {
      token: buyer.accessToken,
      body: { productId: products[0]!.id, quantity: 1 },
    });
    const placed = await call(app, 'POST', '/api/v1/checkout', {
      token: buyer.accessToken,
      headers: { 'idempotency-key': `fuzz-${orderIds.length}` },
      body: {
        shippingAddress: { name: 'Fuzz', line1: '1 Main St', city: 'Town', postalCode: '1000', country: 'GB' },
        payment: { token: 'tok_visa' },
      },
    });
    orderIds.push(placed.body.order.id);
  }
  await call(app, 'POST', '/api/v1/cart/items', {
    token: customer.accessToken,
    body: { productId: products[1]!.id, quantity: 2 },
  });
  return { admin, customer, other, loginUser, sessionUser, products, categories, orderIds };
}

const ids = (known: string[], prefix: string) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 4 },
    fc.constant(`${prefix}_00000000000000000000000000000000`),
  );

const dates = fc.constantFrom(
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '-004714-11-23T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '2026-12-06T00:00:00Z',
  '+010000-01-01T00:00:00Z',
);

const craftedCursor = (world: World) =>
  fc
    .record(
      {
        s: fc.constantFrom('relevance', 'price_asc', 'price_desc', 'newest', 'x'),
        k: fc.oneof(boundaryNumber, dates, nastyString),
        t: fc.oneof(dates, nastyString),
        i: fc.oneof(fc.constantFrom(...world.products.map((p) => p.id), ...world.orderIds), nastyString),
      },
      { requiredKeys: [] },
    )
    .map((o) => Buffer.from(JSON.stringify(o)).toString('base64url'));

const uniqueText = (prefix: string) => fc.uuid().map((u) => `${prefix}${u.replaceAll('-', '').slice(0, 16)}`);

/** Values the world decides: ids that exist (and some that do not), the login user's password… */
export function hintsFor(world: World, operation: Operation): Hints {
  const login = operation.path.endsWith('/login');
  const productIds = ids(
    world.products.map((p) => p.id),
    'prod',
  );
  const hints: Record<string, fc.Arbitrary<unknown>> = {
    id: operation.path.includes('/orders/') ? ids(world.orderIds, 'ord') : productIds,
    productId: productIds,
    email: login
      ? fc.oneof(
          fc.constant(world.loginUser.email),
          uniqueText('nobody-').map((s) => `${s}@example.com`),
        )
      : uniqueText('fuzz-').map((s) => `${s}@example.com`),
    password: login
      ? fc.oneof({ arbitrary: fc.constant(world.loginUser.password), weight: 3 }, fc.constant('not the password'))
      : fc.constant('fuzzing password'),
    refreshToken: fc.oneof(
      { arbitrary: fc.constant(freshRefreshToken), weight: 3 },
      fc.constant('ses_00000000.aaaaaaaaaaaaaaaaaaaaaaaa'),
    ),
    sku: uniqueText('FZ-'),
    slug: uniqueText('fz-'),
    category: fc.constantFrom(...world.categories),
    categories: fc.subarray(world.categories),
    currency: fc.constant('USD'),
    country: fc.constantFrom('GB', 'US', 'DE'),
    token: fc.constantFrom('tok_visa', 'tok_chargeDeclined'),
    quantity: fc.integer({ min: 0, max: 3 }),
    'idempotency-key': fc.uuid(),
    'if-match': fc.constantFrom('"1"', 'W/"1"', '*', '"x"'),
    'if-none-match': fc.constantFrom('"1"', 'W/"1"', '*'),
    cursor: fc.oneof(
      craftedCursor(world),
      fc
        .uuid()
        .map((u) => u.replaceAll('-', ''))
        .map((h) => Buffer.from(`ntf_${h}`).toString('base64url')),
    ),
  };
  return (name) => hints[name];
}
