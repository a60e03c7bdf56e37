import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createAdmin, type TestUser } from './support/http.js';
import { sendRaw, type RawResponse } from './support/raw-http.js';

const expectProblem = (response: RawResponse, status: number, code: string) => {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.body);
  expect(problem).toMatchObject({ status, code });
};

describe.each(profiles)('requests refused before any route runs (%s profile)', (profile) => {
  let app: TestApp;
  let port: number;
  let admin: TestUser;

  beforeAll(async () => {
    app = await createTestApp(profile, { config: { host: '127.0.0.1', port: 0 }, background: false });
    await app.listen();
    port = (app.app.server.address() as AddressInfo).port;
    admin = await createAdmin(app);
  });
  afterAll(async () => app?.close());

  it('answers a header holding a control character with problem+json', async () => {
    const response = await sendRaw(port, {
      method: 'GET',
      target: '/api/v1/categories',
      headers: [['If-None-Match', 'a\u0000b']],
    });
    expectProblem(response, 400, 'malformed_request');
  });

  it('answers headers past the size limit with problem+json', async () => {
    const response = await sendRaw(port, {
      method: 'GET',
      target: '/api/v1/categories',
      headers: [['X-Padding', 'x'.repeat(20_000)]],
    });
    expectProblem(response, 431, 'headers_too_large');
  });

  it('answers a path that is not percent-encoded UTF-8 with a validation problem', async () => {
    const response = await sendRaw(port, { method: 'GET', target: '/api/v1/products/%ED%A0%80x', headers: [] });
    expectProblem(response, 400, 'validation_failed');
  });

  it("answers a path segment past the router's length limit with problem+json", async () => {
    const response = await sendRaw(port, { method: 'GET', target: `/api/v1/products/${'x'.repeat(150)}`, headers: [] });
    expectProblem(response, 414, 'uri_too_long');
  });

  it('answers a POST to an unknown path 404 whatever its body and Idempotency-Key', async () => {
    // The body of an unknown route is parsed but never checked against a schema: 100,000 levels deep.
    const response = await sendRaw(port, {
      method: 'POST',
      target: '/api/v1/no-such-thing',
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', `Bearer ${admin.accessToken}`],
        ['Idempotency-Key', 'deep-body'],
      ],
      body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    });
    expectProblem(response, 404, 'not_found');
  });
});
