import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser } from './support/http.js';

describe.each(profiles)('HTTP conventions (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, {
      config: { bodyLimitBytes: 2048, corsOrigins: ['https://shop.example'], port: 0, host: '127.0.0.1' },
    });
  });
  afterAll(() => app?.close());

  it('answers an unknown route with a problem+json 404', async () => {
    const res = await call(app, 'GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 404,
      code: 'not_found',
      title: expect.any(String),
      detail: expect.any(String),
      type: expect.any(String),
    });
  });

  it('rejects malformed JSON with 400 invalid_json', async () => {
    const res = await call(app, 'POST', '/api/v1/auth/login', {
      body: '{"email": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_json');
  });

  it('rejects a body that is not JSON with 415', async () => {
    const res = await call(app, 'POST', '/api/v1/auth/login', {
      body: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('reads only JSON bodies in UTF-8: any other or no content type gets 415', async () => {
    const login = (headers: Record<string, string>) =>
      app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers,
        payload: '{"email":"nobody@example.com","password":"wrong password"}',
      });
    const refused = [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=UTF-16LE',
      'application/json;charset="iso-8859-1"',
    ];
    for (const type of refused) {
      const res = await login({ 'content-type': type });
      expect(res.statusCode, type).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe('unsupported_media_type');
    }
    const untyped = await login({});
    expect(untyped.statusCode).toBe(415);
    expect(untyped.json().code).toBe('unsupported_media_type');
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON; Charset=UTF-8',
      'application/json;charset="utf-8"',
    ]) {
      const res = await login({ 'content-type': type });
      expect(res.statusCode, type).toBe(401);
      expect(res.json().code).toBe('invalid_credentials');
    }
  });

  it('takes a POST that carries no body without any content type', async () => {
    const user = await registerUser(app);
    const cancel = await app.app.inject({
      method: 'POST',
      url: '/api/v1/orders/ord_unknown/cancel',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(cancel.statusCode, cancel.body).toBe(404);
    const logout = await app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(logout.statusCode, logout.body).toBe(204);
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await call(app, 'POST', '/api/v1/auth/register', {
      body: { email: 'a@example.com', password: 'x'.repeat(4000), name: 'A' },
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('names the accepted values of an enum in one error', async () => {
    const sort = await call(app, 'GET', '/api/v1/products?sort=price');
    expect(sort.status).toBe(400);
    expect(sort.body.errors).toEqual([
      { path: '/querystring/sort', message: 'must be one of: relevance, price_asc, price_desc, newest' },
    ]);
    expect(sort.body.detail).toBe('/querystring/sort must be one of: relevance, price_asc, price_desc, newest');
    const admin = await createAdmin(app);
    const status = await call(app, 'GET', '/api/v1/admin/orders?status=lost', { token: admin.accessToken });
    expect(status.body.errors).toEqual([
      { path: '/querystring/status', message: 'must be one of: pending_payment, confirmed, shipped, cancelled' },
    ]);
  });

  it('echoes a given X-Request-Id and makes one up otherwise', async () => {
    const given = await call(app, 'GET', '/health/live', { headers: { 'x-request-id': 'req-abc.123' } });
    expect(given.headers['x-request-id']).toBe('req-abc.123');
    const made = await call(app, 'GET', '/health/live');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers and honours the CORS allow-list', async () => {
    const allowed = await call(app, 'GET', '/api/v1/categories', { headers: { origin: 'https://shop.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['strict-transport-security']).toBeDefined();
    const other = await call(app, 'GET', '/api/v1/categories', { headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports readiness of every dependency', async () => {
    const res = await call(app, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.checks).toEqual({ database: 'up', keyValueStore: 'up', broker: 'up' });
  });

  it('serves Prometheus metrics labelled by route template on their own port, never on the public one', async () => {
    const user = await registerUser(app);
    await call(app, 'GET', '/api/v1/me', { token: user.accessToken });
    expect((await call(app, 'GET', '/metrics')).status).toBe(404);

    const publicUrl = await app.listen();
    expect((await fetch(`${publicUrl}/metrics`)).status).toBe(404);
    const metricsUrl = app.metricsServer.url ?? '';
    expect(new URL(metricsUrl).port).not.toBe(new URL(publicUrl).port);
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/emporium_http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/me"/);
    expect(text).toMatch(
      /emporium_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auth\/register",status="201"\} \d+/,
    );
    expect(text).toContain('emporium_outbox_backlog');
    // Nothing but /metrics there: not the API, not the health checks.
    expect((await fetch(metricsUrl.replace('/metrics', '/health/live'))).status).toBe(404);
    expect((await fetch(metricsUrl.replace('/metrics', '/api/v1/products'))).status).toBe(404);
  });

  it('serves a valid OpenAPI 3.1 document that lists exactly the public routes', async () => {
    const res = await call(app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const validation = await new Validator().validate(res.body);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);

    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const served = new Set<string>();
    for (const route of app.routes) {
      if (!route.url.startsWith('/api/') || route.method === 'HEAD') continue;
      served.add(`${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    }
    expect([...documented].sort()).toEqual([...served].sort());
  });

  it('renders the API reference at /docs', async () => {
    const res = await call(app, 'GET', '/docs/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('swagger-ui');
  });
});
