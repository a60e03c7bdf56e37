import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { unlimited } from './abort-signals.js';
import { buryDeadLetter, countDeadLetters, deleteDeadLetter, replayRequestedDeadLetters } from './dead-letters.js';
import { DeliveryBatches } from './delivery-batches.js';
import type { EventBus } from './event-bus.js';
import { recordInInbox } from './inbox.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';
import { transactionEvents, type Emit, type OutboxPublisher } from './outbox.js';
import { retryWithBackoff, type Tried } from './retry-with-backoff.js';

export interface HandlerContext {
  /** Runs `fn` once the handler's transaction committed (e.g. dropping cache entries it made stale). */
  afterCommit(fn: () => Promise<void>): void;
  /**
   * Writes events to the service's outbox in the handler's transaction; they go to the relay once
   * they commit (and only then: a batch that raised nothing costs the relay nothing).
   */
  emit: Emit;
}

/**
 * What a service does with one type of event, in the transaction that records the events as
 * handled: write effects with `trx` only. `handleBatch` takes consecutive events of the type at
 * once (a busy consumer's batch) with the same effect as taking them one by one, in fewer statements.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Subscription<DB = any> = { event: string } & (
  | { handle(event: EventEnvelope, trx: Transaction<DB>, context: HandlerContext): Promise<void>; handleBatch?: never }
  | {
      handleBatch(events: EventEnvelope[], trx: Transaction<DB>, context: HandlerContext): Promise<void>;
      handle?: never;
    }
);

export interface ConsumerOptions {
  /** The consuming service's name: its queue and its rows in `inbox` and `dead_letters`. */
  consumer: string;
  /** Bound to the consumer's schema. */
  db: Kysely<unknown>;
  bus: EventBus;
  subscriptions: Subscription[];
  metrics: Metrics;
  logger: Logger;
  retry: { attempts: number; baseMs: number };
  /** How often to look for dead letters whose replay was requested. */
  replayPollMs?: number;
  /** This process's relay for the service, handed the events handlers wrote (`context.emit`) once they commit. */
  publisher?: OutboxPublisher;
}

export interface Consumer {
  stop(): Promise<void>;
}

/**
 * Handles each event at most once per consumer in effect: the inbox rows and the handlers' writes
 * commit together. Events waiting are handled in batches, one transaction each (`DeliveryBatches`);
 * failures are retried with growing delay, then parked in `dead_letters`, from which a requested
 * replay takes them back.
 */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const consumer = new EventConsumer(options);
  await options.bus.consume(options.consumer, consumer.eventTypes, (event) => consumer.deliver(event));
  consumer.startReplaying();
  return consumer;
}

type BatchHandler = (events: EventEnvelope[], trx: Transaction<unknown>, context: HandlerContext) => Promise<void>;
type Outcome = 'ok' | 'duplicate';
/** More work in the transaction that handles an event (a replay removes its dead letter). */
type AlsoInTransaction = (trx: Kysely<MessagingTables>) => Promise<void>;

const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

class EventConsumer implements Consumer {
  private readonly name: string;
  private readonly db: Kysely<MessagingTables>;
  private readonly log: Logger;
  /** Each event type's handlers, in the order of the subscriptions. */
  private readonly handlers = new Map<string, BatchHandler[]>();
  private readonly batches: DeliveryBatches;
  // Every event being retried waits on it: far more than the default ten listeners.
  private readonly stopping = unlimited(new AbortController());
  private replaying: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConsumerOptions) {
    this.name = options.consumer;
    this.db = messagingTables(options.db);
    this.log = options.logger.child({ component: 'consumer', consumer: options.consumer });
    for (const s of options.subscriptions)
      this.handlers.set(s.event, [...(this.handlers.get(s.event) ?? []), asBatchHandler(s)]);
    this.batches = new DeliveryBatches(
      this.name,
      {
        together: (run) => this.handleTogether(run),
        alone: (event, failure) => this.handleAlone(event, failure),
      },
      this.log,
    );
  }

  get eventTypes(): string[] {
    return [...this.handlers.keys()];
  }

  deliver(event: EventEnvelope): Promise<void> {
    if (!this.handlers.has(event.type)) return Promise.resolve();
    return this.batches.add(event);
  }

  startReplaying(): void {
    this.replaying = this.replayLoop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.batches.stop();
    await this.replaying;
  }

  private async handleTogether(run: EventEnvelope[]): Promise<void> {
    this.count(run, await this.handleInTransaction(run));
    this.options.metrics.eventBatchSize.observe({ consumer: this.name }, run.length);
  }

  private async handleAlone(event: EventEnvelope, failure?: { error: unknown }): Promise<void> {
    const tried = await this.retried(event, undefined, failure);
    if (tried.ok) return;
    // Thrown back to the bus, which redelivers later: a stopped consumer must not bury events.
    if (this.stopping.signal.aborted) throw tried.error;
    await this.bury(event, tried);
  }

  /** One transaction: the inbox rows of a run of events of one type, and its handlers for those not handled before. */
  private async handleInTransaction(run: EventEnvelope[], alsoInTransaction?: AlsoInTransaction): Promise<Outcome[]> {
    const committed: (() => Promise<void>)[] = [];
    const written = transactionEvents(this.options.publisher);
    const outcomes = await this.options.db.transaction().execute(async (trx): Promise<Outcome[]> => {
      const context: HandlerContext = { afterCommit: (fn) => committed.push(fn), emit: written.emitIn(trx) };
      const fresh = await recordInInbox(messagingTables(trx), this.name, [
        ...new Set(run.map((e) => e.id.toLowerCase())),
      ]);
      // A second copy in the same batch is a duplicate like any other.
      const result = run.map((event): Outcome => (fresh.delete(event.id.toLowerCase()) ? 'ok' : 'duplicate'));
      const toHandle = run.filter((_, i) => result[i] === 'ok');
      const [first] = toHandle;
      if (first) for (const handle of this.handlers.get(first.type) ?? []) await handle(toHandle, trx, context);
      await alsoInTransaction?.(messagingTables(trx));
      return result;
    });
    written.handOver();
    // The effects are durable now; a failure here must not redeliver the events.
    for (const fn of committed) await fn().catch((err: unknown) => this.log.warn({ err }, 'after-commit step failed'));
    return outcomes;
  }

  /** Handles one event on its own until it succeeds or runs out of attempts; `failure` is an attempt already made. */
  private async retried(
    event: EventEnvelope,
    alsoInTransaction?: AlsoInTransaction,
    failure?: { error: unknown },
  ): Promise<Tried<Outcome[]>> {
    const { metrics, retry } = this.options;
    const tried = await retryWithBackoff(
      () => this.handleInTransaction([event], alsoInTransaction),
      {
        ...retry,
        signal: this.stopping.signal,
        onFailure: (err, attempt) => {
          metrics.eventsHandled.inc({ consumer: this.name, type: event.type, outcome: 'failed' });
          this.log.warn({ err, eventId: event.id, type: event.type, attempt }, 'handling an event failed');
        },
      },
      failure,
    );
    if (tried.ok) this.count([event], tried.value);
    return tried;
  }

  private count(events: EventEnvelope[], outcomes: Outcome[]): void {
    events.forEach((event, i) => {
      const outcome = outcomes[i] ?? 'duplicate';
      const labels = { consumer: this.name, type: event.type };
      this.options.metrics.eventsHandled.inc({ ...labels, outcome });
      if (outcome === 'ok')
        this.options.metrics.eventLag.observe(labels, Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    });
  }

  private async bury(event: EventEnvelope, failed: { error: unknown; attempts: number }): Promise<void> {
    await buryDeadLetter(this.db, this.name, event, describe(failed.error), failed.attempts);
    this.options.metrics.eventsHandled.inc({ consumer: this.name, type: event.type, outcome: 'dead' });
    this.log.error(
      { eventId: event.id, type: event.type, attempts: failed.attempts },
      'event moved to the dead letters',
    );
    await this.refreshDeadLetterGauge();
  }

  private async refreshDeadLetterGauge(): Promise<void> {
    this.options.metrics.deadLetters.set({ consumer: this.name }, await countDeadLetters(this.db, this.name));
  }

  private async replayLoop(): Promise<void> {
    const everyMs = this.options.replayPollMs ?? 2_000;
    while (!this.stopping.signal.aborted) {
      await this.replayRequested()
        .then(() => this.refreshDeadLetterGauge())
        .catch((err: unknown) => this.log.error({ err }, 'replaying dead letters failed'));
      await sleep(everyMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  private async replayRequested(): Promise<void> {
    for (const { id, event } of await replayRequestedDeadLetters(this.db, this.name)) {
      if (this.stopping.signal.aborted) return;
      const tried = await this.retried(event, (trx) => deleteDeadLetter(trx, id));
      if (tried.ok) this.log.info({ eventId: event.id, type: event.type }, 'dead letter replayed');
      // A replay cut short by stop() stays requested, for the next start.
      else if (!this.stopping.signal.aborted) await this.bury(event, tried);
    }
  }
}

const asBatchHandler = (s: Subscription): BatchHandler =>
  s.handleBatch
    ? (events, trx, context) => s.handleBatch(events, trx, context)
    : async (events, trx, context) => {
        for (const event of events) await s.handle(event, trx, context);
      };
