import { setTimeout as sleep } from 'node:timers/promises';
import { unlimited } from './abort-signals.js';
import amqp, {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import { DeliveryAcks } from './delivery-acks.js';
import { consumerBatchSize, type Deliver, type EventBus } from './event-bus.js';

export interface RabbitMqEventBusOptions {
  url: string;
  /** Prefix of the exchange (`<prefix>.events`) and queues (`<prefix>.<consumer>`). */
  prefix: string;
  logger: Logger;
  /** Testing switch: every event is published twice. */
  deliverTwice?: boolean;
  /** Deliveries handed to one consumer before it acknowledges any. */
  prefetch?: number;
  /** Pause before handing a failed delivery back, so a broken dependency is not hammered. */
  redeliveryDelayMs?: number;
  /** Attempts at the first connection before giving up (later losses are retried for ever). */
  connectAttempts?: number;
}

interface ConsumerEntry {
  consumer: string;
  types: string[];
  deliver: Deliver;
  channel?: Channel;
  tag?: string;
}

const ignore = () => undefined;

/**
 * Events over RabbitMQ: one durable topic exchange routed by event type, one durable quorum queue
 * per consuming service, publisher confirms and manual acks. Lost connections are re-established
 * and the whole topology and every consumer set up again.
 */
export class RabbitMqEventBus implements EventBus {
  readonly kind = 'rabbitmq' as const;
  private connection: RecoveringChannelModel | null = null;
  private model: ChannelModel | null = null;
  private publisher: ConfirmChannel | null = null;
  private readonly consumers: ConsumerEntry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  // Every delivery backing off waits on it: far more than the default ten listeners.
  private readonly closing = unlimited(new AbortController());
  private readonly log: Logger;
  private readonly exchange: string;

  private constructor(private readonly options: RabbitMqEventBusOptions) {
    this.log = options.logger.child({ component: 'rabbitmq-event-bus' });
    this.exchange = `${options.prefix}.events`;
  }

  /** Resolves once connected; rejects when the broker cannot be reached at all. */
  static async connect(options: RabbitMqEventBusOptions): Promise<RabbitMqEventBus> {
    const bus = new RabbitMqEventBus(options);
    const connection = await amqp.connect(options.url, {
      recovery: {
        initialDelay: 200,
        maxDelay: 10_000,
        initialMaxRetries: options.connectAttempts ?? 5,
        waitForConnect: false,
        setup: (model: ChannelModel) => bus.setup(model),
      },
    });
    bus.connection = connection;
    connection.on('error', (err: Error) => bus.log.warn({ err }, 'RabbitMQ connection error'));
    connection.on('disconnect', (err: Error) => {
      bus.model = bus.publisher = null;
      if (!bus.closing.signal.aborted) bus.log.warn({ err }, 'lost the RabbitMQ connection; reconnecting');
    });
    connection.on(
      'reconnect-scheduled',
      ({ attempt, delay, error }: { attempt: number; delay: number; error: Error }) =>
        bus.log.warn({ attempt, delayMs: delay, err: error }, 'RabbitMQ unreachable; retrying'),
    );
    try {
      await connection.waitForConnect();
    } catch (err) {
      await connection.close().catch(ignore);
      throw err;
    }
    return bus;
  }

  async publish(events: EventEnvelope[]): Promise<void> {
    const channel = this.closing.signal.aborted ? null : this.publisher;
    if (!channel) throw new Error('not connected to RabbitMQ');
    const copies = this.options.deliverTwice ? 2 : 1;
    const confirms = events.flatMap((event) =>
      Array.from(
        { length: copies },
        () =>
          new Promise<void>((resolve, reject) => {
            channel.publish(
              this.exchange,
              event.type,
              Buffer.from(JSON.stringify(event)),
              // Not `mandatory`: facts no service consumes yet (inventory.*) are dropped by the
              // exchange, and asking for them back cost a returned copy of each for nothing.
              {
                persistent: true,
                messageId: event.id,
                type: event.type,
                contentType: 'application/json',
                timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
                ...(event.traceparent ? { headers: { traceparent: event.traceparent } } : {}),
              },
              (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
            );
          }),
      ),
    );
    await Promise.all(confirms);
  }

  async consume(consumer: string, types: string[], deliver: Deliver): Promise<void> {
    const entry: ConsumerEntry = { consumer, types, deliver };
    this.consumers.push(entry);
    // While disconnected the next setup starts it, with every other consumer.
    if (this.model) await this.startConsuming(this.model, entry);
  }

  async ping(): Promise<void> {
    if (!this.publisher || this.closing.signal.aborted) throw new Error('not connected to RabbitMQ');
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    for (const entry of this.consumers) {
      if (entry.channel && entry.tag) await entry.channel.cancel(entry.tag).catch(ignore);
    }
    await Promise.allSettled(this.inFlight);
    this.model = this.publisher = null;
    await this.connection?.close().catch(ignore);
  }

  private async setup(model: ChannelModel): Promise<void> {
    model.on('error', (err: Error) => this.log.warn({ err }, 'RabbitMQ connection error'));
    const publisher = await model.createConfirmChannel();
    this.watch(model, publisher, 'publisher channel');
    await publisher.assertExchange(this.exchange, 'topic', { durable: true });
    for (const entry of this.consumers) await this.startConsuming(model, entry);
    this.model = model;
    this.publisher = publisher;
  }

  private async startConsuming(model: ChannelModel, entry: ConsumerEntry): Promise<void> {
    const channel = await model.createChannel();
    this.watch(model, channel, `channel of consumer ${entry.consumer}`);
    const queue = `${this.options.prefix}.${entry.consumer}`;
    await channel.assertQueue(queue, {
      durable: true,
      // RabbitMQ 4 drops a quorum-queue message after 20 redeliveries by default; a consumer hands
      // one back only while its own database is failing, and that must never lose an event.
      arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': 1_000_000 },
    });
    for (const type of entry.types) await channel.bindQueue(queue, this.exchange, type);
    // Twice a consumer's batch: the next batch gathers while one commits.
    await channel.prefetch(this.options.prefetch ?? consumerBatchSize * 2);
    const acks = new DeliveryAcks(channel, (err) =>
      this.log.debug({ err }, 'could not settle a delivery on a closed channel'),
    );
    const { consumerTag } = await channel.consume(queue, (message) => {
      if (!message) return this.restart(model, `consumer ${entry.consumer} was cancelled by RabbitMQ`);
      acks.received(message);
      const work = this.handle(acks, entry, message);
      this.inFlight.add(work);
      void work.finally(() => this.inFlight.delete(work));
    });
    entry.channel = channel;
    entry.tag = consumerTag;
  }

  private async handle(acks: DeliveryAcks, entry: ConsumerEntry, message: ConsumeMessage): Promise<void> {
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
    } catch (err) {
      this.log.error(
        { err, consumer: entry.consumer, messageId: message.properties.messageId },
        'unreadable message dropped',
      );
      return acks.nack(message, false);
    }
    try {
      await entry.deliver(event);
      acks.ack(message);
    } catch (err) {
      this.log.warn(
        { err, consumer: entry.consumer, eventId: event.id, type: event.type },
        'delivery failed; handing it back',
      );
      await sleep(this.options.redeliveryDelayMs ?? 1_000, undefined, { signal: this.closing.signal }).catch(ignore);
      acks.nack(message, true);
    }
  }

  /** A channel closed by an error leaves its connection up: reconnect to set everything up again. */
  private watch(model: ChannelModel, channel: Channel, what: string): void {
    channel.on('error', (err: Error) => this.log.warn({ err }, `RabbitMQ ${what} error`));
    channel.on('close', () => this.restart(model, `RabbitMQ ${what} closed`));
  }

  private restart(model: ChannelModel, reason: string): void {
    if (this.closing.signal.aborted || this.model !== model) return;
    this.log.warn(reason + '; reconnecting');
    this.model = this.publisher = null;
    model.close().catch(ignore);
  }
}
