import type { Config } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { KvStore } from '../kv/kv-store.js';
import type { HttpApp } from '../http/build-http-app.js';
import type { AuthGuards } from '../auth/auth-guards.js';
import type { SessionRegistry } from '../auth/session-registry.js';
import type { SigningKeys } from '../auth/signing-keys.js';
import type { Outbox } from '../messaging/outbox.js';
import type { Subscription } from '../messaging/consumer.js';

export type ServiceName = 'identity' | 'catalog' | 'cart' | 'orders' | 'payments' | 'notifications';

/** What the runtime hands every service factory. Nothing else is shared between services. */
export interface ServiceDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  db: Database;
  kv: KvStore;
  auth: AuthGuards;
  sessions: SessionRegistry;
  signingKeys: SigningKeys;
  /** Transactions whose events go to this service's outbox. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  outbox: Outbox<any>;
  /** The same outbox on the connections of background work (see `Database.forSchema`), for jobs. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  backgroundOutbox: Outbox<any>;
  /** Tells the person running the process something they must see (not a log line). */
  announce(message: string): void;
}

/** Background work repeated on a timer, in every instance (it must be safe to run concurrently). */
export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** A service as the runtime sees it: read its `<name>-service.ts` and you know the whole service. */
export interface ServiceModule {
  name: ServiceName;
  /** Public routes, registered under /api/v1. */
  routes?: (app: HttpApp) => void | Promise<void>;
  /** Service-to-service routes under /internal; never routed by the gateway. */
  internalRoutes?: (app: HttpApp) => void | Promise<void>;
  subscriptions?: Subscription[];
  jobs?: Job[];
  /** Runs after migrations and before the process serves (first-start seeding). */
  start?: () => Promise<void>;
  /** Releases what the service opened itself (a mailer's connections), after it stopped serving. */
  stop?: () => Promise<void>;
}
