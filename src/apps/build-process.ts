import type { Config } from '../platform/config/config-schema.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { createMetrics, type Metrics } from '../platform/metrics/metrics.js';
import { systemClock, type Clock } from '../platform/clock.js';
import { buildHttpApp, type HttpApp } from '../platform/http/build-http-app.js';
import { registerHealthRoutes, type Readiness } from '../platform/http/health-routes.js';
import { serveMetrics, type MetricsServer } from '../platform/http/metrics-server.js';
import { installDrain } from '../platform/http/drain.js';
import { registerOpenApi } from '../platform/http/openapi.js';
import { registerIdempotency } from '../platform/http/idempotency.js';
import type { Lane } from '../platform/db/database.js';
import { loadSigningKeys, type SigningKeys } from '../platform/auth/signing-keys.js';
import { SessionRegistry } from '../platform/auth/session-registry.js';
import { createAuthGuards } from '../platform/auth/auth-guards.js';
import { createOutbox } from '../platform/messaging/outbox.js';
import { OutboxRelay } from '../platform/messaging/outbox-relay.js';
import { startConsumer } from '../platform/messaging/consumer.js';
import type { ServiceModule } from '../platform/runtime/service-module.js';
import { startJobs } from '../platform/runtime/jobs.js';
import { registerGateway, type RemoteService } from '../services/gateway/gateway.js';
import { fetchForwardedDocuments } from '../services/gateway/forwarded-api-documents.js';
import { upstreamHealth } from '../services/gateway/upstream-health.js';
import { connectInfrastructure, type Infrastructure } from './infrastructure.js';
import { createService, type RunnableService } from './service-catalogue.js';
import { remoteServices } from './remote-services.js';
import { peerPools } from './peer-pools.js';
import { prepareSchemas, runsWholeShop } from './prepare-schemas.js';

export interface ProcessOptions {
  config: Config;
  /** Services mounted in this process. */
  services: RunnableService[];
  /** Whether this process is the public entry point (rate limits, docs, routing to remote services). */
  gateway: boolean;
  infrastructure?: Partial<Infrastructure>;
  signingKeys?: SigningKeys;
  logger?: Logger;
  clock?: Clock;
  announce?: (message: string) => void;
  /** False for maintenance commands and cluster workers: no first-start seeding. */
  runStartHooks?: boolean;
}

export interface EmporiumProcess {
  app: HttpApp;
  config: Config;
  infrastructure: Infrastructure;
  metrics: Metrics;
  /** `GET /metrics`, on its own port (METRICS_PORT); `listen` starts it too. */
  metricsServer: MetricsServer;
  services: Map<RunnableService, ServiceModule>;
  /** Every route this process serves. */
  routes: { method: string; url: string }[];
  /** Starts relays, and consumers and jobs unless this process serves the API only (the HTTP app is ready without them). */
  startBackground(): Promise<void>;
  listen(): Promise<string>;
  /** First step of shutdown: readiness fails and every answer closes its connection; serving goes on. */
  drain(): void;
  /**
   * Drains, stops listening, waits for requests under way (past half of what remains of
   * SHUTDOWN_TIMEOUT_MS their connections are cut), then stops jobs, flushes relays, waits for
   * message handlers under way, and closes the connections to the stores.
   */
  stop(): Promise<void>;
}

type Stoppable = { stop(): Promise<void> };

/** Assembles one process: infrastructure, the chosen services, their migrations and the HTTP app. */
export async function buildProcess(options: ProcessOptions): Promise<EmporiumProcess> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config);
  const announce = options.announce ?? ((message: string) => process.stdout.write(`${message}\n`));
  const metrics = createMetrics();
  const signingKeys =
    options.signingKeys ??
    loadSigningKeys(config, {
      signs: options.services.includes('identity'),
      mayGenerate: runsWholeShop(options.services),
      who: options.services.length > 0 ? options.services.join(', ') : 'the gateway',
    });
  const infrastructure = await connectInfrastructure(config, logger, options.infrastructure, announce);
  const { db, kv, bus } = infrastructure;
  const sessions = new SessionRegistry(kv);
  const auth = createAuthGuards(signingKeys.publicKey, sessions);
  // What SHUTDOWN_TIMEOUT_MS leaves after the drain delay, shared out between the steps that wait.
  const shutdownBudgetMs = config.shutdownTimeoutMs - config.shutdownDrainDelayMs;
  // Each service publishes its own writes: its outboxes and consumer hand what commits to its
  // relay, which leases nothing until the background work starts it.
  const relays = new Map<RunnableService, OutboxRelay>();
  const pools = peerPools(logger);
  const services = new Map<RunnableService, ServiceModule>();
  for (const name of options.services) {
    const relay = new OutboxRelay({
      service: name, db: db.forSchema(name, 'background'), bus, metrics, logger, pollMs: config.outboxPollMs, batchSize: 100,
      stopGraceMs: Math.min(5_000, shutdownBudgetMs / 4),
    });
    relays.set(name, relay);
    const outboxOn = (lane: Lane) => createOutbox({ db: db.forSchema(name, lane), publisher: relay });
    const deps = {
      config, logger: logger.child({ service: name }), metrics, clock: options.clock ?? systemClock,
      db, kv, auth, sessions, signingKeys, outbox: outboxOn('requests'), backgroundOutbox: outboxOn('background'), announce,
    };
    services.set(name, createService(name, deps, services, pools));
  }
  // What the caller handed in, the caller closes.
  const closeInfrastructure = async () => {
    await pools.close();
    const given = options.infrastructure ?? {};
    if (!given.bus) await bus.close();
    if (!given.kv) await kv.close();
    if (!given.db) await db.close();
  };
  try {
    await prepareSchemas(db, options.services, config.migrateOnStart, logger);
    if (options.runStartHooks !== false) {
      for (const service of services.values()) await service.start?.();
    }
  } catch (err) {
    await closeInfrastructure();
    throw err;
  }

  const app = buildHttpApp({ config, logger, metrics });
  const drain = installDrain(app);
  const routes: EmporiumProcess['routes'] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  const role = config.processRole;
  let upstreams: Readiness['upstreams'];
  if (role !== 'background') {
    const remotes: RemoteService[] = options.gateway ? remoteServices(config, pools).filter((r) => !services.has(r.name as RunnableService)) : [];
    await registerOpenApi(app, {
      title: 'Emporium API',
      version: '1.0.0',
      description: 'The public HTTP API of the Emporium shop backend.',
      serverUrl: config.publicUrl,
      ...(remotes.length > 0 ? { forwardedDocuments: () => fetchForwardedDocuments(remotes) } : {}),
    });
    if (options.gateway) {
      await registerGateway(app, { config, kv, auth, remotes });
      if (remotes.length > 0) upstreams = upstreamHealth(remotes.map((remote) => ({ name: remote.name, urls: remote.pool.origins })));
    }
    registerIdempotency(app, kv, auth, config.idempotencyTtlHours * 3_600_000);
    for (const service of services.values()) {
      if (service.routes) await app.register(async (scope) => service.routes?.(scope as HttpApp), { prefix: '/api/v1' });
      if (service.internalRoutes && !options.gateway) {
        await app.register(async (scope) => service.internalRoutes?.(scope as HttpApp), { prefix: '/internal' });
      }
    }
  }
  registerHealthRoutes(app, {
    checks: { database: () => db.ping(), keyValueStore: () => kv.ping(), broker: () => bus.ping() },
    draining: () => drain.draining,
    upstreams,
  });
  await app.ready();
  const metricsServer = serveMetrics(metrics.registry, { port: config.metricsPort, host: config.metricsHost });

  const background: Stoppable[] = [];
  const stop = async () => {
    drain.start();
    const cut = setTimeout(() => app.server.closeAllConnections(), shutdownBudgetMs / 2);
    await app.close();
    clearTimeout(cut);
    await metricsServer.close();
    for (const task of background.reverse()) await task.stop();
    for (const service of services.values()) await service.stop?.();
    await closeInfrastructure();
  };

  return {
    app, config, infrastructure, metrics, metricsServer, services, routes,
    startBackground: async () => {
      // Stopped in reverse: jobs, then relays (so no publish waits on a stopped consumer), then consumers.
      for (const [name, service] of services) {
        if (role === 'api' || !service.subscriptions?.length) continue;
        background.push(await startConsumer({
          consumer: name, db: db.forSchema(name, 'background'), bus, subscriptions: service.subscriptions, metrics, logger,
          retry: { attempts: config.eventRetryAttempts, baseMs: config.eventRetryBaseMs },
          publisher: relays.get(name),
        }));
      }
      for (const relay of relays.values()) {
        relay.start();
        background.push(relay);
      }
      for (const service of services.values()) {
        if (role !== 'api' && service.jobs?.length) background.push(startJobs(service.jobs, logger));
      }
    },
    listen: async () => {
      const address = await app.listen({ port: config.port, host: config.host });
      const metricsUrl = await metricsServer.listen();
      if (metricsUrl) announce(`Metrics are served at ${metricsUrl}`);
      return address;
    },
    drain: () => drain.start(),
    stop,
  };
}
