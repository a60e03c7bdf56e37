import type { Config } from '../platform/config/config-schema.js';
import { createLogger, type Logger } from '../platform/logging/logger.js';
import { createMetrics, type Metrics } from '../platform/metrics/metrics.js';
import { systemClock, type Clock } from '../platform/clock.js';
import type { HttpApp } from '../platform/http/build-http-app.js';
import { serveMetrics, type MetricsServer } from '../platform/http/metrics-server.js';
import type { Lane } from '../platform/db/database.js';
import { loadSigningKeys, type SigningKeys } from '../platform/auth/signing-keys.js';
import { SessionRegistry } from '../platform/auth/session-registry.js';
import { createAuthGuards } from '../platform/auth/auth-guards.js';
import { createOutbox } from '../platform/messaging/outbox.js';
import { OutboxRelay } from '../platform/messaging/outbox-relay.js';
import type { ServiceDeps, ServiceModule } from '../platform/runtime/service-module.js';
import { connectInfrastructure, type Infrastructure } from './infrastructure.js';
import { createService, type RunnableService } from './service-catalogue.js';
import { peerPools, type PeerPools } from './peer-pools.js';
import { prepareSchemas, runsWholeShop } from './prepare-schemas.js';
import { buildProcessHttpApp, type ProcessHttpApp } from './process-http-app.js';
import { startBackground, type Stoppable } from './process-background.js';

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

/** Assembles one process: infrastructure, the chosen services, their migrations and the HTTP app. */
export async function buildProcess(options: ProcessOptions): Promise<EmporiumProcess> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config);
  const announce = options.announce ?? ((message: string) => process.stdout.write(`${message}\n`));
  const metrics = createMetrics();
  const signingKeys = options.signingKeys ?? signingKeysFor(config, options.services);
  const infrastructure = await connectInfrastructure(config, logger, options.infrastructure, announce);
  const { db, kv } = infrastructure;
  const sessions = new SessionRegistry(kv);
  const auth = createAuthGuards(signingKeys.publicKey, sessions);
  // What SHUTDOWN_TIMEOUT_MS leaves after the drain delay, shared out between the steps that wait.
  const shutdownBudgetMs = config.shutdownTimeoutMs - config.shutdownDrainDelayMs;
  const relays = createRelays(options.services, { config, logger, metrics, infrastructure, shutdownBudgetMs });
  const pools = peerPools(logger);
  const clock = options.clock ?? systemClock;
  const shared = { config, metrics, clock, db, kv, auth, sessions, signingKeys, announce };
  const services = createServices(options.services, shared, { logger, relays, pools });
  const closeInfrastructure = () => closeOwned(infrastructure, options.infrastructure ?? {}, pools);
  try {
    await prepareSchemas(db, options.services, config.migrateOnStart, logger);
    if (options.runStartHooks !== false) {
      for (const service of services.values()) await service.start?.();
    }
  } catch (err) {
    await closeInfrastructure();
    throw err;
  }

  const { gateway } = options;
  const http = await buildProcessHttpApp({ config, logger, metrics, infrastructure, auth, services, pools, gateway });
  const metricsServer = serveMetrics(metrics.registry, { port: config.metricsPort, host: config.metricsHost });
  const background: Stoppable[] = [];
  return {
    app: http.app,
    config,
    infrastructure,
    metrics,
    metricsServer,
    services,
    routes: http.routes,
    startBackground: async () => {
      background.push(...(await startBackground({ config, logger, metrics, infrastructure, services, relays })));
    },
    listen: async () => {
      const address = await http.app.listen({ port: config.port, host: config.host });
      const metricsUrl = await metricsServer.listen();
      if (metricsUrl) announce(`Metrics are served at ${metricsUrl}`);
      return address;
    },
    drain: () => http.drain.start(),
    stop: () => shutDown({ http, metricsServer, background, services, closeInfrastructure }, shutdownBudgetMs),
  };
}

/** What a process stops, in the order it stops them. */
interface Running {
  http: ProcessHttpApp;
  metricsServer: MetricsServer;
  /** In start order. */
  background: Stoppable[];
  services: Map<RunnableService, ServiceModule>;
  closeInfrastructure: () => Promise<void>;
}

/** The shutdown sequence `EmporiumProcess.stop` describes. */
async function shutDown(
  { http, metricsServer, background, services, closeInfrastructure }: Running,
  budgetMs: number,
): Promise<void> {
  http.drain.start();
  const cut = setTimeout(() => http.app.server.closeAllConnections(), budgetMs / 2);
  await http.app.close();
  clearTimeout(cut);
  await metricsServer.close();
  for (const task of background.reverse()) await task.stop();
  for (const service of services.values()) await service.stop?.();
  await closeInfrastructure();
}

function signingKeysFor(config: Config, services: RunnableService[]): SigningKeys {
  return loadSigningKeys(config, {
    signs: services.includes('identity'),
    mayGenerate: runsWholeShop(services),
    who: services.length > 0 ? services.join(', ') : 'the gateway',
  });
}

type SharedDeps = Omit<ServiceDeps, 'logger' | 'outbox' | 'backgroundOutbox'>;

/** What each service gets its own of (a child logger, its outboxes) and how it reaches peers that run elsewhere. */
interface ServiceWiring {
  logger: Logger;
  relays: Map<RunnableService, OutboxRelay>;
  pools: PeerPools;
}

/**
 * Each service publishes its own writes: its outboxes and consumer hand what commits to its relay,
 * which leases nothing until the background work starts it.
 */
function createRelays(
  names: RunnableService[],
  {
    config,
    logger,
    metrics,
    infrastructure,
    shutdownBudgetMs,
  }: { config: Config; logger: Logger; metrics: Metrics; infrastructure: Infrastructure; shutdownBudgetMs: number },
): Map<RunnableService, OutboxRelay> {
  const { db, bus } = infrastructure;
  return new Map(
    names.map((service) => [
      service,
      new OutboxRelay({
        service,
        db: db.forSchema(service, 'background'),
        bus,
        metrics,
        logger,
        pollMs: config.outboxPollMs,
        batchSize: 100,
        stopGraceMs: Math.min(5_000, shutdownBudgetMs / 4),
      }),
    ]),
  );
}

/** A peer built before a service in this process is called in-process; any other over HTTP. */
function createServices(
  names: RunnableService[],
  shared: SharedDeps,
  wiring: ServiceWiring,
): Map<RunnableService, ServiceModule> {
  const services = new Map<RunnableService, ServiceModule>();
  for (const name of names) {
    const outboxOn = (lane: Lane) =>
      createOutbox({ db: shared.db.forSchema(name, lane), publisher: wiring.relays.get(name) });
    const deps = {
      ...shared,
      logger: wiring.logger.child({ service: name }),
      outbox: outboxOn('requests'),
      backgroundOutbox: outboxOn('background'),
    };
    services.set(name, createService(name, deps, services, wiring.pools));
  }
  return services;
}

/** What the caller handed in, the caller closes. */
async function closeOwned(
  infrastructure: Infrastructure,
  given: Partial<Infrastructure>,
  pools: PeerPools,
): Promise<void> {
  await pools.close();
  if (!given.bus) await infrastructure.bus.close();
  if (!given.kv) await infrastructure.kv.close();
  if (!given.db) await infrastructure.db.close();
}
