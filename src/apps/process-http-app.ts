import type { Config } from '../platform/config/config-schema.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { buildHttpApp, type HttpApp } from '../platform/http/build-http-app.js';
import { registerHealthRoutes, type Readiness } from '../platform/http/health-routes.js';
import { installDrain, type Drain } from '../platform/http/drain.js';
import { registerOpenApi } from '../platform/http/openapi.js';
import { registerIdempotency } from '../platform/http/idempotency.js';
import type { AuthGuards } from '../platform/auth/auth-guards.js';
import type { ServiceModule } from '../platform/runtime/service-module.js';
import { registerGateway, type RemoteService } from '../services/gateway/gateway.js';
import { fetchForwardedDocuments } from '../services/gateway/forwarded-api-documents.js';
import { upstreamHealth } from '../services/gateway/upstream-health.js';
import type { Infrastructure } from './infrastructure.js';
import type { RunnableService } from './service-catalogue.js';
import type { PeerPools } from './peer-pools.js';
import { remoteServices } from './remote-services.js';

export interface ProcessHttpAppOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  infrastructure: Infrastructure;
  auth: AuthGuards;
  services: Map<RunnableService, ServiceModule>;
  pools: PeerPools;
  /** Whether this process is the public entry point (rate limits, docs, routing to remote services). */
  gateway: boolean;
}

export interface ProcessHttpApp {
  app: HttpApp;
  drain: Drain;
  /** Every route the app serves. */
  routes: { method: string; url: string }[];
}

/** The HTTP app of one process, ready to listen: the API unless the process only works in the background, and health. */
export async function buildProcessHttpApp(options: ProcessHttpAppOptions): Promise<ProcessHttpApp> {
  const {
    config,
    logger,
    metrics,
    infrastructure: { db, kv, bus },
  } = options;
  const app = buildHttpApp({ config, logger, metrics });
  const drain = installDrain(app);
  const routes: ProcessHttpApp['routes'] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  const upstreams = config.processRole === 'background' ? undefined : await registerApi(app, options);
  registerHealthRoutes(app, {
    checks: { database: () => db.ping(), keyValueStore: () => kv.ping(), broker: () => bus.ping() },
    draining: () => drain.draining,
    upstreams,
  });
  await app.ready();
  return { app, drain, routes };
}

/**
 * Docs, the gateway where this process is the entry point, and the routes of the services it
 * mounts. Returns the health of the services the gateway forwards to, which readiness reports.
 */
async function registerApi(app: HttpApp, options: ProcessHttpAppOptions): Promise<Readiness['upstreams']> {
  const { config, auth, services, gateway } = options;
  const { kv } = options.infrastructure;
  const remotes: RemoteService[] = gateway
    ? remoteServices(config, options.pools).filter((r) => !services.has(r.name as RunnableService))
    : [];
  await registerOpenApi(app, {
    title: 'Emporium API',
    version: '1.0.0',
    description: 'The public HTTP API of the Emporium shop backend.',
    serverUrl: config.publicUrl,
    ...(remotes.length > 0 ? { forwardedDocuments: () => fetchForwardedDocuments(remotes) } : {}),
  });
  if (gateway) await registerGateway(app, { config, kv, auth, remotes });
  registerIdempotency(app, kv, auth, config.idempotencyTtlHours * 3_600_000);
  for (const service of services.values()) {
    if (service.routes) await app.register(async (scope) => service.routes?.(scope as HttpApp), { prefix: '/api/v1' });
    if (service.internalRoutes && !gateway) {
      await app.register(async (scope) => service.internalRoutes?.(scope as HttpApp), { prefix: '/internal' });
    }
  }
  if (remotes.length === 0) return undefined;
  return upstreamHealth(remotes.map((remote) => ({ name: remote.name, urls: remote.pool.origins })));
}
