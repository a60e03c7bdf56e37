import { deleteRedisKeys } from '../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../src/platform/messaging/rabbitmq-testing.js';
import { serviceNames } from '../src/apps/service-catalogue.js';

/**
 * Removes what one run of the shop left on shared servers: the Redis keys under its prefix and the
 * RabbitMQ exchanges and queues under its prefix. Usage: remove-run-data.ts <redis-url> <key-prefix> <amqp-url> <amqp-prefix>
 */
const [redisUrl, keyPrefix, amqpUrl, amqpPrefix] = process.argv.slice(2);
if (!redisUrl || !keyPrefix || !amqpUrl || !amqpPrefix) {
  console.error('usage: remove-run-data.ts <redis-url> <key-prefix> <amqp-url> <amqp-prefix>');
  process.exit(2);
}
await deleteRedisKeys(redisUrl, keyPrefix);
await deleteRabbitTopology(amqpUrl, amqpPrefix, serviceNames);
