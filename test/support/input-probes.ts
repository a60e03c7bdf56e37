import { address } from './api-values.js';
import type { TestUser } from './http.js';

/** Strings no PostgreSQL text column can hold: NUL, and UTF-16 surrogates without their pair. */
export const unstorable = { nul: 'a\u0000b', 'lone high surrogate': 'a\ud800b', 'lone low surrogate': '\udc00z' };

export type Who = 'anyone' | 'customer' | 'admin';

export interface Probe {
  method: string;
  url: string;
  body?: unknown;
  who: Who;
  /** The field the problem must name. */
  field: string;
}

/** The same value set at `path` (dot separated) of a copy of `body`. */
function withValue(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1) as string] = value;
  return copy;
}

const cursorOf = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');

/** What a probe needs of the shop: a customer with a session, and a product to name. */
export interface ProbeTargets {
  customer: TestUser;
  productId: string;
}

/** Every body field of every public route that takes text, with a valid body around it. */
export function bodyProbes(bad: string, { customer, productId }: ProbeTargets): Probe[] {
  const register = { email: 'hardening-new@example.com', password: 'a long password', name: 'New' };
  const product = {
    sku: 'HARD-1',
    name: 'Hard',
    description: 'Hard to store.',
    price: { amount: 100, currency: 'USD' },
  };
  const checkout = { shippingAddress: { ...address, line2: 'Flat 1' }, payment: { token: 'tok_visa' } };
  const fields = (method: string, url: string, who: Who, body: Record<string, unknown>, paths: string[]): Probe[] =>
    paths.map((path) => ({
      method,
      url,
      who,
      body: withValue(body, path, bad),
      field: `/${path.replace(/\./g, '/')}`,
    }));
  return [
    ...fields('POST', '/api/v1/auth/register', 'anyone', register, ['email', 'password', 'name']),
    ...fields('POST', '/api/v1/auth/login', 'anyone', { email: customer.email, password: customer.password }, [
      'email',
      'password',
    ]),
    ...fields('POST', '/api/v1/auth/refresh', 'anyone', { refreshToken: customer.refreshToken }, ['refreshToken']),
    ...fields('POST', '/api/v1/products', 'admin', product, ['sku', 'name', 'description', 'price.currency']),
    ...fields('PATCH', `/api/v1/products/${productId}`, 'admin', { name: 'Renamed', description: 'Changed.' }, [
      'name',
      'description',
    ]),
    ...fields(
      'POST',
      `/api/v1/products/${productId}/inventory-adjustments`,
      'admin',
      { delta: 1, reason: 'Delivery' },
      ['reason'],
    ),
    ...fields('POST', '/api/v1/categories', 'admin', { slug: 'hardening', name: 'Hardening' }, ['slug', 'name']),
    ...fields('POST', '/api/v1/cart/items', 'customer', { productId, quantity: 1 }, ['productId']),
    ...fields('POST', '/api/v1/checkout', 'customer', checkout, [
      'shippingAddress.name',
      'shippingAddress.line1',
      'shippingAddress.line2',
      'shippingAddress.city',
      'shippingAddress.postalCode',
      'shippingAddress.country',
      'payment.token',
    ]),
    ...fields('POST', '/api/v1/admin/orders/ord_unknown/ship', 'admin', { carrier: 'DHL', trackingNumber: 'JD0146' }, [
      'carrier',
      'trackingNumber',
    ]),
  ];
}

/** Path and query values: only NUL can be percent-encoded (a lone surrogate has no UTF-8 form). */
export const urlProbes = (encoded: string): Probe[] => [
  { method: 'GET', url: `/api/v1/products/${encoded}`, who: 'anyone', field: '/params/id' },
  {
    method: 'PATCH',
    url: `/api/v1/products/${encoded}`,
    who: 'admin',
    body: { name: 'Renamed' },
    field: '/params/id',
  },
  { method: 'DELETE', url: `/api/v1/products/${encoded}`, who: 'admin', field: '/params/id' },
  {
    method: 'POST',
    url: `/api/v1/products/${encoded}/inventory-adjustments`,
    who: 'admin',
    body: { delta: 1, reason: 'Delivery' },
    field: '/params/id',
  },
  { method: 'GET', url: `/api/v1/orders/${encoded}`, who: 'customer', field: '/params/id' },
  { method: 'POST', url: `/api/v1/orders/${encoded}/cancel`, who: 'customer', field: '/params/id' },
  {
    method: 'POST',
    url: `/api/v1/admin/orders/${encoded}/ship`,
    who: 'admin',
    body: { carrier: 'DHL', trackingNumber: 'JD0146' },
    field: '/params/id',
  },
  {
    method: 'PUT',
    url: `/api/v1/cart/items/${encoded}`,
    who: 'customer',
    body: { quantity: 2 },
    field: '/params/productId',
  },
  { method: 'DELETE', url: `/api/v1/cart/items/${encoded}`, who: 'customer', field: '/params/productId' },
  { method: 'GET', url: `/api/v1/products?q=${encoded}`, who: 'anyone', field: '/querystring/q' },
  { method: 'GET', url: `/api/v1/products?cursor=${encoded}`, who: 'anyone', field: '/querystring/cursor' },
  { method: 'GET', url: `/api/v1/orders?cursor=${encoded}`, who: 'customer', field: '/querystring/cursor' },
  { method: 'GET', url: `/api/v1/admin/orders?cursor=${encoded}`, who: 'admin', field: '/querystring/cursor' },
  { method: 'GET', url: `/api/v1/notifications?cursor=${encoded}`, who: 'customer', field: '/querystring/cursor' },
];

/** Numbers one past what the column behind them holds, and far past it. */
export const numberProbes = (productId: string): Probe[] => [
  {
    method: 'POST',
    url: '/api/v1/products',
    who: 'admin',
    body: { sku: 'BIG-1', name: 'Big', description: '', price: { amount: 2 ** 31 } },
    field: '/price/amount',
  },
  {
    method: 'POST',
    url: '/api/v1/products',
    who: 'admin',
    body: { sku: 'BIG-2', name: 'Big', description: '', price: { amount: 1e300 } },
    field: '/price/amount',
  },
  {
    method: 'POST',
    url: '/api/v1/products',
    who: 'admin',
    body: { sku: 'BIG-3', name: 'Big', description: '', price: { amount: 1 }, stock: 2 ** 53 },
    field: '/stock',
  },
  {
    method: 'POST',
    url: `/api/v1/products/${productId}/inventory-adjustments`,
    who: 'admin',
    body: { delta: -(2 ** 63), reason: 'Loss' },
    field: '/delta',
  },
  {
    method: 'POST',
    url: '/api/v1/cart/items',
    who: 'customer',
    body: { productId, quantity: 1e20 },
    field: '/quantity',
  },
  {
    method: 'PUT',
    url: `/api/v1/cart/items/${productId}`,
    who: 'customer',
    body: { quantity: 2 ** 31 },
    field: '/quantity',
  },
  {
    method: 'GET',
    url: '/api/v1/products?minPrice=99999999999999999999',
    who: 'anyone',
    field: '/querystring/minPrice',
  },
  { method: 'GET', url: '/api/v1/products?limit=1e300', who: 'anyone', field: '/querystring/limit' },
  { method: 'GET', url: '/api/v1/orders?limit=9223372036854775808', who: 'customer', field: '/querystring/limit' },
];

const someProduct = 'prod_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b';
const productCursor = (sort: string, k: unknown, i: unknown = someProduct) => cursorOf({ s: sort, k, i });
const orderCursor = (t: unknown, i: unknown = 'ord_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b') => cursorOf({ t, i });

/** Lists that take a cursor, who may read them, and cursors crafted with keys no column holds. */
export const craftedCursors: [string, Who, string[]][] = [
  [
    '/api/v1/products?sort=newest',
    'anyone',
    [
      productCursor('newest', '-100000-01-01T00:00:00.000Z'),
      productCursor('newest', '+275760-09-13T00:00:00.000Z'),
      productCursor('newest', '+275761-01-01T00:00:00.000Z'),
      productCursor('newest', '2026-02-30T25:00:00Z'),
      productCursor('newest', 1_700_000_000_000),
      productCursor('newest', '2026-01-01T00:00:00.000Z', 'x\u0000'),
      productCursor('newest', '2026-01-01T00:00:00.000Z', 'x\ud800'),
      productCursor('newest', '2026-01-01T00:00:00.000Z', 7),
    ],
  ],
  [
    '/api/v1/products?sort=price_asc',
    'anyone',
    [
      productCursor('price_asc', 2 ** 31),
      productCursor('price_asc', 2 ** 63),
      productCursor('price_asc', Number.MAX_SAFE_INTEGER),
      productCursor('price_asc', -1),
      productCursor('price_asc', 1.5),
      productCursor('price_asc', '100'),
    ],
  ],
  [
    '/api/v1/products?sort=price_desc',
    'anyone',
    [productCursor('price_desc', 1e300), productCursor('price_desc', null)],
  ],
  [
    '/api/v1/products?q=kettle&sort=relevance',
    'anyone',
    [
      productCursor('relevance', 1e300),
      productCursor('relevance', 1e39),
      productCursor('relevance', 1e-50),
      productCursor('relevance', -0.5),
      productCursor('relevance', '0.5'),
    ],
  ],
  [
    '/api/v1/orders',
    'customer',
    [
      orderCursor('-100000-01-01T00:00:00.000Z'),
      orderCursor('+275760-09-13T00:00:00.000Z'),
      orderCursor('10000-01-01T00:00:00.000Z'),
      orderCursor('2026-01-01T00:00:00.000Z', 'ord_\u0000'),
      orderCursor('2026-01-01T00:00:00.000Z', '\udfff'),
      orderCursor(12),
    ],
  ],
  [
    '/api/v1/admin/orders',
    'admin',
    [orderCursor('-100000-01-01T00:00:00.000Z'), orderCursor('2026-01-01T00:00:00.000Z', 'ord_\u0000')],
  ],
  ['/api/v1/notifications', 'customer', [Buffer.from('ntf_\u0000').toString('base64url'), cursorOf({ t: 1 })]],
];
