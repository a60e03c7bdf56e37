import type { EventEnvelope } from '../../contracts/events/envelope.js';

/**
 * Most events a consumer handles in one transaction. Under load the events that arrive while a
 * batch commits form the next one, so commits per event fall as traffic grows; a quiet consumer
 * still handles each event at once. Brokers hand a consumer more deliveries than this.
 */
export const consumerBatchSize = 50;

/** Called once per delivery. Resolving acknowledges; throwing means "deliver again later". */
export type Deliver = (event: EventEnvelope) => Promise<void>;

/**
 * The event bus port: in-process dispatch (one process) or RabbitMQ (many). The outbox relay is
 * its only publisher; consumers are wrapped by `createConsumer` for inbox dedupe and retries.
 */
export interface EventBus {
  readonly kind: 'in-process' | 'rabbitmq';
  /** Resolves once the bus has taken every event durably (publisher confirms on RabbitMQ). */
  publish(events: EventEnvelope[]): Promise<void>;
  /** Starts delivering events of the given types to one named consumer (one durable queue). */
  consume(consumer: string, types: string[], deliver: Deliver): Promise<void>;
  ping(): Promise<void>;
  /** Stops consuming, waits for deliveries in flight, closes connections. */
  close(): Promise<void>;
}
