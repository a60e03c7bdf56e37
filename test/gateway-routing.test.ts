import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call } from './support/http.js';

interface Received {
  key: string | undefined;
  body: unknown;
  forwardedFor: string | undefined;
  requestId: string | undefined;
}

/** A catalog stand-in that records what reaches it and answers every category it is sent with 201. */
async function startCatalogStandIn(): Promise<{ server: FastifyInstance; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = Fastify();
  server.post('/api/v1/categories', async (request, reply) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    received.push({
      key: header('idempotency-key'),
      body: request.body,
      forwardedFor: header('x-forwarded-for'),
      requestId: header('x-request-id'),
    });
    return reply.status(201).send({ id: `cat_${received.length}`, ...(request.body as object) });
  });
  server.get('/openapi.json', async () => ({
    openapi: '3.1.0',
    info: { title: 'Emporium API', version: '1.0.0' },
    paths: {
      '/api/v1/categories': {
        post: { operationId: 'createCategory', responses: { 201: { description: 'Created.' } } },
      },
    },
    components: { schemas: { Category: { type: 'object' } } },
  }));
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received };
}

describe.each(profiles)('a gateway routing to a service that runs apart (%s profile)', (profile) => {
  let catalog: Awaited<ReturnType<typeof startCatalogStandIn>>;
  let gateway: TestApp;
  let gatewayUrl: string;
  beforeAll(async () => {
    catalog = await startCatalogStandIn();
    gateway = await createTestApp(profile, {
      services: [],
      config: { catalogUrls: [catalog.url], host: '127.0.0.1', port: 0 },
    });
    gatewayUrl = await gateway.listen();
  });
  afterAll(async () => {
    await gateway?.close();
    await catalog?.server.close();
  });

  it('forwards a POST with an Idempotency-Key and its body, leaving replays to the service', async () => {
    const body = { slug: 'garden-tools', name: 'Garden tools' };
    // Over a socket: the body the gateway forwards is then the request stream itself.
    const post = () =>
      fetch(`${gatewayUrl}/api/v1/categories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'forwarded-key-1' },
        body: JSON.stringify(body),
      });
    const first = await post();
    expect(first.status, await first.clone().text()).toBe(201);
    expect(await first.json()).toEqual({ id: 'cat_1', ...body });
    const again = await post();
    expect(again.status, await again.clone().text()).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(catalog.received.map(({ key, body }) => ({ key, body }))).toEqual([
      { key: 'forwarded-key-1', body },
      { key: 'forwarded-key-1', body },
    ]);
  });

  it('tells the service who the client is and under which request id the gateway logs the request', async () => {
    const res = await fetch(`${gatewayUrl}/api/v1/categories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ slug: 'pond-pumps', name: 'Pond pumps' }),
    });
    expect(res.status).toBe(201);
    const forwarded = catalog.received.at(-1);
    // The gateway does not trust its client here, so it appends the address it saw, last.
    expect(forwarded?.forwardedFor).toBe('203.0.113.7, 127.0.0.1');
    expect(forwarded?.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('describes the operations of the services it routes to, not its own forwarding routes', async () => {
    const res = await fetch(`${gatewayUrl}/openapi.json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as {
      paths: Record<string, object>;
      components: { schemas: Record<string, object> };
    };
    expect(Object.keys(document.paths)).toEqual(['/api/v1/categories']);
    expect(document.paths['/api/v1/categories']).toEqual({
      post: expect.objectContaining({ operationId: 'createCategory' }),
    });
    expect(document.components.schemas.Category).toEqual({ type: 'object' });
  });

  it('answers 502 for its API description while a service cannot give its own', async () => {
    const { server, url } = await startCatalogStandIn();
    await server.close();
    const orphan = await createTestApp(profile, {
      services: [],
      config: { catalogUrls: [url], host: '127.0.0.1', port: 0 },
    });
    try {
      const res = await call(orphan, 'GET', '/openapi.json');
      expect(res.status).toBe(502);
      expect(res.body.code).toBe('bad_gateway');
    } finally {
      await orphan.close();
    }
  });
});
