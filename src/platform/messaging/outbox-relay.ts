import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EventBus } from './event-bus.js';
import { LoopPause } from './loop-pause.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';
import type { OutboxPublisher } from './outbox.js';
import { claimUnpublished, countUnpublished, deleteLongPublished, leaseRows, markPublished } from './outbox-rows.js';

export interface OutboxRelayOptions {
  service: string;
  /** Bound to the service's schema. */
  db: Kysely<unknown>;
  bus: EventBus;
  metrics: Metrics;
  logger: Logger;
  pollMs: number;
  batchSize?: number;
  /** How long claimed rows stay invisible to other relay instances; renewed while publishing. */
  leaseMs?: number;
  /** Longest wait for a batch's confirms before claiming the next, when the last was not full. */
  lingerMs?: number;
  /** Batches published at the same time when deliveries are slow. */
  maxInFlight?: number;
  /** Longest wait in `stop()` for batches being published; unconfirmed ones are released to other relays. */
  stopGraceMs?: number;
}

const CLEANUP_EVERY_MS = 3_600_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Publishes what a service wrote to its outbox. Created with the outboxes (and the consumer) that
 * hand it their events, it leases nothing until `start()`. Events written in this process come
 * leased to it and are handed to it at commit (`take`); other rows (other processes', or a dead
 * relay's) are claimed with a lease in one short statement at each poll. Rows are marked after the
 * bus confirmed them, so no transaction is held while publishing: in-process consumers run their
 * own queries meanwhile, which a single PGlite connection needs.
 */
export class OutboxRelay implements OutboxPublisher {
  private readonly db: Kysely<MessagingTables>;
  private readonly log: Logger;
  private readonly batchSize: number;
  private readonly lease: number;
  private readonly lingerMs: number;
  private readonly maxInFlight: number;
  /** Past this many waiting (a bus that is down), handed events are left to polls instead of memory. */
  private readonly maxHanded: number;

  /** Events written with this relay's lease and handed over at commit, waiting to be published. */
  private readonly handed: EventEnvelope[] = [];
  /** Batches on their way to the bus, with their event ids, until confirmed or failed. */
  private readonly underWay = new Map<Promise<void>, string[]>();
  /** Publishes failed in a row: the wait before the next grows with them. */
  private failuresInARow = 0;
  /** When each periodic step is next due (epoch milliseconds). */
  private readonly due = { poll: 0, renewLeases: 0, countBacklog: 0, cleanup: 0 };
  private readonly pause = new LoopPause();
  private state: 'created' | 'running' | 'stopped' = 'created';
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly options: OutboxRelayOptions) {
    this.db = messagingTables(options.db);
    this.log = options.logger.child({ component: 'outbox-relay', service: options.service });
    this.batchSize = options.batchSize ?? 100;
    this.lease = options.leaseMs ?? Math.max(30_000, options.pollMs * 10);
    this.lingerMs = Math.min(options.pollMs, options.lingerMs ?? 25);
    this.maxInFlight = options.maxInFlight ?? 8;
    this.maxHanded = this.batchSize * this.maxInFlight;
  }

  start(): void {
    if (this.state !== 'created') return;
    this.state = 'running';
    this.loop = this.run();
  }

  leaseMs(): number | null {
    return this.state === 'running' ? this.lease : null;
  }

  take(envelopes: EventEnvelope[]): void {
    // Written with the lease just before this relay stopped, or while the bus is away.
    if (this.state !== 'running' || this.handed.length >= this.maxHanded) {
      void this.release(envelopes.map((e) => e.id));
      return;
    }
    this.handed.push(...envelopes);
    this.pause.wake();
  }

  /** Look for rows written without its lease now instead of at the next poll. */
  wake(): void {
    this.due.poll = 0;
    this.pause.wake();
  }

  /**
   * Stops claiming, publishes the events it was handed, and waits (a bounded time) for its
   * batches; those unconfirmed by then are released to other relays.
   */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.pause.stop();
    await this.loop;
    // What it was handed goes out now, not at another relay's poll (or, alone, at the next start).
    while (this.handed.length > 0) void this.publish(this.handed.splice(0, this.batchSize));
    // An in-process delivery to a consumer stopped first would never finish.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.stopGraceMs ?? 5_000)));
    await Promise.race([Promise.allSettled(this.underWay.keys()), grace]);
    clearTimeout(timer);
    // Unconfirmed after the grace: other relays take them at once (inboxes drop a second copy).
    const unconfirmed = [...this.underWay.values()].flat();
    if (unconfirmed.length > 0) await this.release(unconfirmed);
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      try {
        await this.turn();
      } catch (err) {
        this.failuresInARow += 1;
        this.log.error({ err }, 'outbox relay could not reach the database');
        await this.pause.wait(this.backoffMs());
      }
    }
  }

  /** One turn of the loop: the periodic steps, then one batch handed to the bus, or a wait. */
  private async turn(): Promise<void> {
    await this.renewLeases();
    await this.countBacklog();
    await this.cleanUp();
    if (this.underWay.size >= this.maxInFlight) {
      await this.pause.wait(this.options.pollMs, Promise.race(this.underWay.keys()));
      return;
    }
    const batch = await this.nextBatch();
    if (batch.length === 0) {
      await this.pause.wait(this.failuresInARow > 0 ? this.backoffMs() : this.options.pollMs);
      return;
    }
    const published = this.publish(batch);
    // The bus has this batch before the next: claiming that one need not wait for confirms.
    // After a short one, a little wait lets the next gather instead of costing a batch per event.
    if (batch.length < this.batchSize) await this.pause.wait(this.lingerMs, published);
    if (this.failuresInARow > 0) await this.pause.wait(this.backoffMs());
  }

  /** Rows of other writers (or of a relay that died) once a poll, then the events handed over. */
  private async nextBatch(): Promise<EventEnvelope[]> {
    let claimed: EventEnvelope[] = [];
    if (Date.now() >= this.due.poll) {
      claimed = await claimUnpublished(this.db, this.lease, this.batchSize);
      // A full batch says there is more: claim again at once, not at the next poll.
      this.due.poll = claimed.length === this.batchSize ? 0 : Date.now() + this.options.pollMs;
    }
    return [...claimed, ...this.handed.splice(0, this.batchSize - claimed.length)];
  }

  /** Hands a batch to the bus; settles once its outcome is recorded, and never rejects. */
  private publish(envelopes: EventEnvelope[]): Promise<void> {
    const ids = envelopes.map((e) => e.id);
    const job = this.publishAndRecord(envelopes, ids).catch((err: unknown) =>
      this.log.error({ err }, 'recording the outcome of a publish failed'),
    );
    this.underWay.set(job, ids);
    void job.finally(() => this.underWay.delete(job));
    return job;
  }

  private async publishAndRecord(envelopes: EventEnvelope[], ids: string[]): Promise<void> {
    try {
      await this.options.bus.publish(envelopes);
    } catch (err) {
      this.failuresInARow += 1;
      const retryInMs = this.backoffMs();
      this.log.warn({ err, events: ids.length, retryInMs }, 'publishing events failed; will retry');
      await leaseRows(this.db, ids, retryInMs);
      return;
    }
    this.failuresInARow = 0;
    for (const e of envelopes)
      this.options.metrics.eventsPublished.inc({ service: this.options.service, type: e.type });
    // Not marking is safe: the lease runs out, the rows go out again and inboxes drop the copies.
    await markPublished(this.db, ids);
  }

  /** The rows it holds (under way or handed over) stay its own while it works through them. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.underWay.values(), this.handed.map((e) => e.id)].flat();
    if (ids.length === 0 || Date.now() < this.due.renewLeases) return;
    this.due.renewLeases = Date.now() + this.lease / 3;
    await leaseRows(this.db, ids, this.lease);
  }

  private async countBacklog(): Promise<void> {
    if (Date.now() < this.due.countBacklog) return;
    this.due.countBacklog = Date.now() + this.options.pollMs;
    this.options.metrics.outboxBacklog.set({ service: this.options.service }, await countUnpublished(this.db));
  }

  private async cleanUp(): Promise<void> {
    if (Date.now() < this.due.cleanup) return;
    this.due.cleanup = Date.now() + CLEANUP_EVERY_MS;
    await deleteLongPublished(this.db);
  }

  /** Rows leased to this relay that it will not publish go to the next relay that polls. */
  private release(ids: string[]): Promise<void> {
    return leaseRows(this.db, ids, 0).catch((err: unknown) =>
      this.log.warn({ err, events: ids.length }, 'releasing events failed; their lease runs out instead'),
    );
  }

  private backoffMs(): number {
    return Math.min(MAX_BACKOFF_MS, this.options.pollMs * 2 ** Math.min(this.failuresInARow, 16));
  }
}
