import { randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { IdentityService } from '../../src/services/identity/identity-service.js';
import type { TestApp } from './test-app.js';

export interface CallOptions {
  body?: unknown;
  token?: string | undefined;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: OutgoingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

/**
 * One HTTP request through the whole app (gateway hooks included): injected without a socket, or
 * sent over one when the app's gateway listens apart (the split layout).
 */
export async function call(app: TestApp, method: string, url: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const { status, responseHeaders, text } = app.baseUrl
    ? await overSocket(app.baseUrl, method, url, headers, options.body)
    : await injected(app, method, url, headers, options.body);
  let body: unknown = undefined;
  if (text && /json/.test(String(responseHeaders['content-type']))) body = JSON.parse(text);
  return { status, headers: responseHeaders, body, text };
}

interface RawResult {
  status: number;
  responseHeaders: OutgoingHttpHeaders;
  text: string;
}

async function injected(
  app: TestApp,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<RawResult> {
  const response = await app.app.inject({
    method: method as 'GET',
    url,
    headers,
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: response.statusCode, responseHeaders: response.headers, text: response.body };
}

async function overSocket(
  baseUrl: string,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<RawResult> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
    // A string goes as it is, as inject() sends it: tests of malformed bodies write their own.
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const responseHeaders: OutgoingHttpHeaders = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) responseHeaders['set-cookie'] = cookies;
  return { status: response.status, responseHeaders, text: await response.text() };
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/** A name no other test run uses (SKUs, product names). */
export const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

export const uniqueEmail = (label = 'user') => `${label}-${randomBytes(5).toString('hex')}@example.com`;

export async function registerUser(app: TestApp, label = 'user'): Promise<TestUser> {
  const email = uniqueEmail(label);
  const password = 'correct horse battery';
  const res = await call(app, 'POST', '/api/v1/auth/register', { body: { email, password, name: `Test ${label}` } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return {
    id: res.body.user.id,
    email,
    password,
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
  };
}

/** An admin made the way operators make one (the identity service's createAdmin), then signed in. */
export async function createAdmin(app: TestApp): Promise<TestUser> {
  const identity = app.services.get('identity') as IdentityService;
  const email = uniqueEmail('admin');
  const password = 'admin password 1';
  const { id } = await identity.createAdmin({ email, password, name: 'Test Admin' });
  const res = await call(app, 'POST', '/api/v1/auth/login', { body: { email, password } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return { id, email, password, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

export interface CreatedProduct {
  id: string;
  sku: string;
  name: string;
}

/** A product created through the admin API, with the given stock and price in minor units. */
export async function createProduct(
  app: TestApp,
  admin: TestUser,
  stock: number,
  price: number,
  label = 'Product',
): Promise<CreatedProduct> {
  const res = await call(app, 'POST', '/api/v1/products', {
    token: admin.accessToken,
    body: {
      sku: unique(label.toUpperCase()),
      name: unique(label),
      description: `A ${label.toLowerCase()} made for tests.`,
      price: { amount: price },
      stock,
    },
  });
  if (res.status !== 201) throw new Error(`creating a product failed: ${res.status} ${res.text}`);
  return res.body as CreatedProduct;
}

/** Puts `quantity` of a product in the user's cart. */
export async function addToCart(app: TestApp, user: TestUser, productId: string, quantity: number): Promise<void> {
  const res = await call(app, 'POST', '/api/v1/cart/items', { token: user.accessToken, body: { productId, quantity } });
  if (res.status !== 200) throw new Error(`adding to the cart failed: ${res.status} ${res.text}`);
}

/** The stock of a product that customers can still order, as the public API shows it. */
export async function availableStock(app: TestApp, productId: string): Promise<number> {
  return (await call(app, 'GET', `/api/v1/products/${productId}`)).body.stock.available as number;
}
