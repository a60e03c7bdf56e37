import type { Logger } from '../logging/logger.js';
import type { EventBus } from './event-bus.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { RabbitMqEventBus } from './rabbitmq-event-bus.js';

export interface CreateEventBusOptions {
  /** Unset: in-process dispatch, for running every service in one process. */
  amqpUrl?: string | undefined;
  amqpPrefix: string;
  deliverTwice: boolean;
  logger: Logger;
}

export async function createEventBus(options: CreateEventBusOptions): Promise<EventBus> {
  const { amqpUrl, amqpPrefix, deliverTwice, logger } = options;
  if (!amqpUrl) return new InProcessEventBus({ deliverTwice, logger });
  return RabbitMqEventBus.connect({ url: amqpUrl, prefix: amqpPrefix, deliverTwice, logger });
}
