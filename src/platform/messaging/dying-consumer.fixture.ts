/**
 * Test fixture run as a child process by messaging.test.ts: consumes one queue, reports each
 * delivery to its parent and never finishes handling it, until the parent kills the process.
 * Arguments: <amqp url> <prefix> <consumer> <event type>.
 */
import { pino } from 'pino';
import { RabbitMqEventBus } from './rabbitmq-event-bus.js';

const [url, prefix, consumer, type] = process.argv.slice(2) as [string, string, string, string];
const bus = await RabbitMqEventBus.connect({ url, prefix, logger: pino({ level: 'silent' }) });
await bus.consume(consumer, [type], (event) => {
  process.send?.({ received: event.id });
  return new Promise<void>(() => undefined);
});
process.send?.({ ready: true });
