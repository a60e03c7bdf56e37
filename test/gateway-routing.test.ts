import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Received {
  key: string | undefined;
  body: unknown;
}

/** A catalog stand-in that records what reaches it and answers every category it is sent with 201. */
async function startCatalogStandIn(): Promise<{ server: FastifyInstance; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = Fastify();
  server.post('/api/v1/categories', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    received.push({ key: typeof key === 'string' ? key : undefined, body: request.body });
    return reply.status(201).send({ id: `cat_${received.length}`, ...(request.body as object) });
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, url: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`, received };
}

describe.each(profiles)('a gateway routing to a service that runs apart (%s profile)', (profile) => {
  let catalog: Awaited<ReturnType<typeof startCatalogStandIn>>;
  let gateway: TestApp;
  let gatewayUrl: string;
  beforeAll(async () => {
    catalog = await startCatalogStandIn();
    gateway = await createTestApp(profile, { services: [], config: { catalogUrl: catalog.url, host: '127.0.0.1', port: 0 } });
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
    expect(catalog.received).toEqual([
      { key: 'forwarded-key-1', body },
      { key: 'forwarded-key-1', body },
    ]);
  });
});
