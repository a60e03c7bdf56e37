import { setTimeout as sleep } from 'node:timers/promises';
import { unlimited } from './abort-signals.js';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Deliver, EventBus } from './event-bus.js';

export interface InProcessEventBusOptions {
  /** Testing switch: every event is delivered twice. */
  deliverTwice?: boolean;
  redeliveryDelayMs?: number;
  logger?: Logger;
}

/**
 * Dispatch within one process. There is no queue: the outbox row is the durable copy, so
 * `publish` resolves only when every consumer has taken the event and the relay marks it then.
 */
export class InProcessEventBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly consumers = new Map<string, { types: Set<string>; deliver: Deliver }>();
  private readonly inFlight = new Set<Promise<void>>();
  // Every delivery backing off waits on it: far more than the default ten listeners.
  private readonly closing = unlimited(new AbortController());

  constructor(private readonly options: InProcessEventBusOptions = {}) {}

  async publish(events: EventEnvelope[]): Promise<void> {
    this.assertOpen();
    const copies = this.options.deliverTwice ? 2 : 1;
    // Every event on its own, as RabbitMQ's prefetch does: one delivery backing off must not
    // hold up the rest of its batch.
    const work = Promise.all(
      [...this.consumers].flatMap(([consumer, { types, deliver }]) =>
        events
          .filter((event) => types.has(event.type))
          .map(async (event) => {
            for (let i = 0; i < copies; i += 1) await this.deliverUntilTaken(consumer, deliver, event);
          }),
      ),
    ).then(() => undefined);
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  async consume(consumer: string, types: string[], deliver: Deliver): Promise<void> {
    this.assertOpen();
    if (this.consumers.has(consumer)) throw new Error(`consumer ${consumer} is already consuming`);
    this.consumers.set(consumer, { types: new Set(types), deliver });
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled(this.inFlight);
    this.consumers.clear();
  }

  private async deliverUntilTaken(consumer: string, deliver: Deliver, event: EventEnvelope): Promise<void> {
    for (;;) {
      try {
        // A copy through JSON, as a broker would hand over: consumers never share or mutate one object.
        await deliver(JSON.parse(JSON.stringify(event)) as EventEnvelope);
        return;
      } catch (err) {
        if (this.closing.signal.aborted) throw err;
        this.options.logger?.warn(
          { err, consumer, eventId: event.id, type: event.type },
          'delivery failed; redelivering',
        );
        await sleep(this.options.redeliveryDelayMs ?? 1_000, undefined, { signal: this.closing.signal });
      }
    }
  }

  private assertOpen(): void {
    if (this.closing.signal.aborted) throw new Error('the in-process event bus is closed');
  }
}
