import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call } from './support/http.js';

describe.each(profiles)('gateway readiness with services running apart (%s profile)', (profile) => {
  let catalog: TestApp;
  let gateway: TestApp;
  let catalogOpen = true;
  beforeAll(async () => {
    catalog = await createTestApp(profile, { services: ['catalog'], config: { port: 0, host: '127.0.0.1' } });
    const catalogUrl = await catalog.listen();
    // Nothing listens on port 1: a cart service that is down from the start.
    gateway = await createTestApp(profile, { services: [], config: { catalogUrls: [catalogUrl], cartUrls: ['http://127.0.0.1:1'] } });
  });
  afterAll(async () => {
    await gateway?.close();
    if (catalogOpen) await catalog?.close();
  });

  it('reports each upstream in its readiness, and stays ready while one is down', async () => {
    const res = await call(gateway, 'GET', '/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', upstreams: { catalog: 'up', cart: 'down' } });
    expect((await call(gateway, 'GET', '/api/v1/categories')).status).toBe(200);

    // One round of probes answers the readiness checks that follow it closely.
    const probesOfCatalog = async () =>
      (await catalog.metrics.httpDuration.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.route === '/health/ready')?.value ?? 0;
    const probed = await probesOfCatalog();
    for (let i = 0; i < 10; i += 1) expect((await call(gateway, 'GET', '/health/ready')).body.upstreams.catalog).toBe('up');
    expect((await probesOfCatalog()) - probed).toBeLessThanOrEqual(1);

    // A service's own readiness has no upstreams to report.
    expect((await call(catalog, 'GET', '/health/ready')).body.upstreams).toBeUndefined();

    await catalog.close();
    catalogOpen = false;
    // Within the probes' cache time (2 s) and their timeout, the gateway sees it gone.
    const deadline = Date.now() + 10_000;
    let later = await call(gateway, 'GET', '/health/ready');
    while (later.body.upstreams?.catalog !== 'down' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      later = await call(gateway, 'GET', '/health/ready');
    }
    expect(later.status).toBe(200);
    expect(later.body).toMatchObject({ status: 'ready', upstreams: { catalog: 'down', cart: 'down' } });
    const unavailable = await call(gateway, 'GET', '/api/v1/categories');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect(unavailable.body).toMatchObject({ status: 503, code: 'service_unavailable' });
  });
});
