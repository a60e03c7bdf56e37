import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, created by the composition root and handed to whatever records. */
export function createMetrics(labels: Record<string, string> = {}) {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: 'emporium_' });
  return { registry, ...serviceMetrics(registry), ...messagingMetrics(registry) };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** What the services do: answer requests, look up caches, record business facts. */
function serviceMetrics(registry: Registry) {
  return {
    httpDuration: new Histogram({
      name: 'emporium_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status (its _count counts requests).',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'emporium_cache_lookups_total',
      help: 'Cache lookups by cache name and result (hit or miss).',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    }),
    business: new Counter({
      name: 'emporium_business_events_total',
      help: 'Business facts: orders placed, payments failed, users registered, and so on.',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
  };
}

/** How events flow from outboxes to consumers, and where they pile up. */
function messagingMetrics(registry: Registry) {
  return {
    outboxBacklog: new Gauge({
      name: 'emporium_outbox_backlog',
      help: 'Events written to an outbox and not yet published, by service.',
      labelNames: ['service'] as const,
      // Every worker of a cluster counts the same shared table: their sum would overstate it.
      aggregator: 'max',
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: 'emporium_events_published_total',
      help: 'Events published by the outbox relay, by service and type.',
      labelNames: ['service', 'type'] as const,
      registers: [registry],
    }),
    eventsHandled: new Counter({
      name: 'emporium_events_handled_total',
      help: 'Events a consumer handled, by consumer, type and outcome (ok, duplicate, failed, dead).',
      labelNames: ['consumer', 'type', 'outcome'] as const,
      registers: [registry],
    }),
    eventLag: new Histogram({
      name: 'emporium_event_lag_seconds',
      help: 'Time from an event being written to a consumer finishing it.',
      labelNames: ['consumer', 'type'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    eventBatchSize: new Histogram({
      name: 'emporium_event_batch_size',
      help: 'Events a consumer handled in one transaction: near 1 when quiet, larger under load.',
      labelNames: ['consumer'] as const,
      buckets: [1, 2, 5, 10, 20, 50],
      registers: [registry],
    }),
    deadLetters: new Gauge({
      name: 'emporium_dead_letters',
      help: 'Events waiting in the dead letters, by consumer.',
      labelNames: ['consumer'] as const,
      aggregator: 'max',
      registers: [registry],
    }),
  };
}
