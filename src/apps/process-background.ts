import type { Config } from '../platform/config/config-schema.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { OutboxPublisher } from '../platform/messaging/outbox.js';
import { startOutboxRelay, type OutboxRelay } from '../platform/messaging/outbox-relay.js';
import { startConsumer } from '../platform/messaging/consumer.js';
import type { ServiceModule } from '../platform/runtime/service-module.js';
import { startJobs } from '../platform/runtime/jobs.js';
import type { Infrastructure } from './infrastructure.js';
import type { RunnableService } from './service-catalogue.js';

export type Stoppable = { stop(): Promise<void> };

export interface BackgroundOptions {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  infrastructure: Infrastructure;
  services: Map<RunnableService, ServiceModule>;
  /** Filled here with each service's relay, which its publisher hands commits to. */
  relays: Map<string, OutboxRelay>;
  publisherOf(name: string): OutboxPublisher;
  /** What SHUTDOWN_TIMEOUT_MS leaves after the drain delay. */
  shutdownBudgetMs: number;
}

/**
 * Starts every service's relay, and its consumers and jobs unless the process serves the API
 * only. Returned in start order, to be stopped in reverse: jobs, then relays (so no publish waits
 * on a stopped consumer), then consumers.
 */
export async function startBackground(options: BackgroundOptions): Promise<Stoppable[]> {
  const { config, logger, metrics, services, relays, shutdownBudgetMs } = options;
  const { db, bus } = options.infrastructure;
  const role = config.processRole;
  const started: Stoppable[] = [];
  for (const [name, service] of services) {
    if (role === 'api' || !service.subscriptions?.length) continue;
    started.push(await startConsumer({
      consumer: name, db: db.forSchema(name, 'background'), bus, subscriptions: service.subscriptions, prepareEvents: service.prepareEvents, metrics, logger,
      retry: { attempts: config.eventRetryAttempts, baseMs: config.eventRetryBaseMs },
      publisher: options.publisherOf(name),
    }));
  }
  for (const name of services.keys()) {
    const relay = startOutboxRelay({
      service: name, db: db.forSchema(name, 'background'), bus, metrics, logger, pollMs: config.outboxPollMs, batchSize: 100,
      stopGraceMs: Math.min(5_000, shutdownBudgetMs / 4),
    });
    relays.set(name, relay);
    started.push(relay);
  }
  for (const service of services.values()) {
    if (role !== 'api' && service.jobs?.length) started.push(startJobs(service.jobs, logger));
  }
  return started;
}
