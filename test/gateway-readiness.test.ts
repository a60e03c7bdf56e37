import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, type CallResult } from './support/http.js';

describe.each(profiles)('gateway readiness with services running apart (%s profile)', (profile) => {
  // Two instances of catalog (each with data of its own: only whether they answer matters here).
  let catalog: TestApp;
  let otherCatalog: TestApp;
  let gateway: TestApp;
  let catalogOpen = true;
  let otherCatalogOpen = true;
  beforeAll(async () => {
    catalog = await createTestApp(profile, { services: ['catalog'], config: { port: 0, host: '127.0.0.1' } });
    otherCatalog = await createTestApp(profile, { services: ['catalog'], config: { port: 0, host: '127.0.0.1' } });
    const catalogUrls = [await catalog.listen(), await otherCatalog.listen()];
    // Nothing listens on port 1: a cart service that is down from the start.
    gateway = await createTestApp(profile, { services: [], config: { catalogUrls, cartUrls: ['http://127.0.0.1:1'] } });
  });
  afterAll(async () => {
    await gateway?.close();
    if (otherCatalogOpen) await otherCatalog?.close();
    if (catalogOpen) await catalog?.close();
  });

  /** The gateway's readiness once it satisfies `until`: within the probes' cache time (2 s) and their timeout. */
  const readinessOnce = async (until: (body: CallResult['body']) => boolean) => {
    const deadline = Date.now() + 10_000;
    let res = await call(gateway, 'GET', '/health/ready');
    while (!until(res.body) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      res = await call(gateway, 'GET', '/health/ready');
    }
    return res;
  };

  it('reports each upstream and how many of its instances answer, and stays ready while one is down', async () => {
    const res = await call(gateway, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ready',
      upstreams: { catalog: 'up', cart: 'down' },
      instances: { catalog: { up: 2, down: 0 }, cart: { up: 0, down: 1 } },
    });
    expect((await call(gateway, 'GET', '/api/v1/categories')).status).toBe(200);

    // One round of probes answers the readiness checks that follow it closely.
    const probesOfCatalog = async () =>
      (await catalog.metrics.httpDuration.get()).values.find(
        (v) => v.metricName?.endsWith('_count') && v.labels.route === '/health/ready',
      )?.value ?? 0;
    const probed = await probesOfCatalog();
    for (let i = 0; i < 10; i += 1)
      expect((await call(gateway, 'GET', '/health/ready')).body.upstreams.catalog).toBe('up');
    expect((await probesOfCatalog()) - probed).toBeLessThanOrEqual(1);

    // A service's own readiness has no upstreams to report.
    expect((await call(catalog, 'GET', '/health/ready')).body.upstreams).toBeUndefined();

    // One instance stopped: the service is up on the other, which takes every request.
    await catalog.close();
    catalogOpen = false;
    const halfway = await readinessOnce((body) => body.instances?.catalog?.down === 1);
    expect(halfway.body).toMatchObject({
      status: 'ready',
      upstreams: { catalog: 'up' },
      instances: { catalog: { up: 1, down: 1 } },
    });
    for (let i = 0; i < 4; i += 1) expect((await call(gateway, 'GET', '/api/v1/categories')).status).toBe(200);

    await otherCatalog.close();
    otherCatalogOpen = false;
    const later = await readinessOnce((body) => body.upstreams?.catalog === 'down');
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({
      status: 'ready',
      upstreams: { catalog: 'down', cart: 'down' },
      instances: { catalog: { up: 0, down: 2 } },
    });
    const unavailable = await call(gateway, 'GET', '/api/v1/categories');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect(unavailable.body).toMatchObject({ status: 503, code: 'service_unavailable' });
  });
});
