import { createServer, type AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { realInfra, realProfileEnabled, runId } from '../../../test/support/infra.js';
import { createEventBus } from './create-event-bus.js';
import { contractConsumers, envelope, eventBusContract } from './event-bus.contract.js';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { RabbitMqEventBus } from './rabbitmq-event-bus.js';
import { deleteRabbitTopology, startTcpProxy } from './rabbitmq-testing.js';

const logger = pino({ level: 'silent' });

eventBusContract('in-process', {
  open: async (options) => new InProcessEventBus({ ...options, redeliveryDelayMs: 20, logger }),
});

describe('createEventBus', () => {
  it('dispatches in process without an AMQP URL', async () => {
    const bus = await createEventBus({ amqpPrefix: 'x', deliverTwice: false, logger });
    expect(bus.kind).toBe('in-process');
    await bus.close();
  });

  it('fails when the broker cannot be reached at all', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await expect(
      RabbitMqEventBus.connect({ url: `amqp://127.0.0.1:${port}`, prefix: 'x', logger, connectAttempts: 1 }),
    ).rejects.toThrow();
  });
});

// The real profile fails, never skips, when RabbitMQ is away: connect() rejects.
if (realProfileEnabled)
  describe('RabbitMQ', () => {
    const prefixes: string[] = [];
    const connect = (options: { deliverTwice?: boolean; url?: string } = {}) => {
      const prefix = runId('bus');
      prefixes.push(prefix);
      return RabbitMqEventBus.connect({ url: realInfra.amqpUrl, redeliveryDelayMs: 20, logger, ...options, prefix });
    };
    const cleanup = async () => {
      for (const prefix of prefixes.splice(0)) await deleteRabbitTopology(realInfra.amqpUrl, prefix, contractConsumers);
    };

    eventBusContract('rabbitmq', { open: connect, cleanup });

    it('is chosen by createEventBus for an AMQP URL', async () => {
      const prefix = runId('bus');
      const bus = await createEventBus({ amqpUrl: realInfra.amqpUrl, amqpPrefix: prefix, deliverTwice: false, logger });
      expect(bus.kind).toBe('rabbitmq');
      await bus.close();
      await deleteRabbitTopology(realInfra.amqpUrl, prefix, []);
    });

    it('fails ping at once when the connection drops, then reconnects and consumes again', async () => {
      const proxy = await startTcpProxy(new URL(realInfra.amqpUrl));
      const bus = await connect({ url: proxy.url });
      try {
        const seen: EventEnvelope[] = [];
        await bus.consume('alpha', ['thing.created'], async (e) => void seen.push(e));
        proxy.cut();
        const started = Date.now();
        await vi.waitFor(() => expect(bus.ping()).rejects.toThrow(), { timeout: 1_000, interval: 5 });
        expect(Date.now() - started).toBeLessThan(1_000);
        await vi.waitFor(() => expect(bus.ping()).resolves.toBeUndefined(), { timeout: 10_000, interval: 50 });
        const event = envelope('thing.created');
        await bus.publish([event]);
        await vi.waitFor(() => expect(seen).toEqual([event]), { timeout: 5_000, interval: 10 });
      } finally {
        await bus.close();
        await proxy.stop();
      }
    });

    afterAll(cleanup);
  });
