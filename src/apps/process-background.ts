import type { Config } from '../platform/config/config-schema.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { OutboxRelay } from '../platform/messaging/outbox-relay.js';
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
  /** Each service's relay, which its outboxes and consumer hand what commits to. */
  relays: Map<RunnableService, OutboxRelay>;
}

/**
 * Starts every service's relay, and its consumers and jobs unless the process serves the API
 * only. Returned in start order, to be stopped in reverse: jobs, then relays (so no publish waits
 * on a stopped consumer), then consumers.
 */
export async function startBackground(options: BackgroundOptions): Promise<Stoppable[]> {
  const { config, logger, metrics, services, relays } = options;
  const { db, bus } = options.infrastructure;
  const role = config.processRole;
  const started: Stoppable[] = [];
  for (const [name, service] of services) {
    if (role === 'api' || !service.subscriptions?.length) continue;
    started.push(
      await startConsumer({
        consumer: name,
        db: db.forSchema(name, 'background'),
        bus,
        subscriptions: service.subscriptions,
        metrics,
        logger,
        retry: { attempts: config.eventRetryAttempts, baseMs: config.eventRetryBaseMs },
        publisher: relays.get(name),
      }),
    );
  }
  for (const relay of relays.values()) {
    relay.start();
    started.push(relay);
  }
  for (const service of services.values()) {
    if (role !== 'api' && service.jobs?.length) started.push(startJobs(service.jobs, logger));
  }
  return started;
}
