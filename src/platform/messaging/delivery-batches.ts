import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import { consumerBatchSize } from './event-bus.js';

/** How a consumer handles what its batches hold. */
export interface BatchHandling {
  /**
   * Handles consecutive events of one type together, all or nothing; throws when they took no
   * effect. One type at a time: each handler takes its locks in a fixed order at its start, and
   * two handlers in one transaction could hold them in no order against a third writer.
   */
  together(run: EventEnvelope[]): Promise<void>;
  /**
   * Handles one event on its own (retrying it as it sees fit); `failure` is a try already made.
   * Resolving acknowledges the delivery, rejecting has the bus deliver it again later.
   */
  alone(event: EventEnvelope, failure?: { error: unknown }): Promise<void>;
}

interface Waiting {
  event: EventEnvelope;
  taken: () => void;
  refused: (err: unknown) => void;
}

/**
 * The deliveries waiting for a consumer, handled in batches of up to `consumerBatchSize`, one
 * after the other: those that come in the same read from the broker (or one in-process publish)
 * join one batch, handled run by run of one event type. When a run fails, its events are handled
 * one by one apart from the batches, which go on meanwhile, so one bad event neither blocks nor
 * sinks the others, and the runs that took effect are not handled again.
 */
export class DeliveryBatches {
  private readonly waiting: Waiting[] = [];
  private draining = false;
  /** Drains and events handled alone, which `stop()` waits for. */
  private readonly underWay = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly consumer: string,
    private readonly handling: BatchHandling,
    private readonly log: Logger,
  ) {}

  /** Settles once the event is handled (or given up on); rejects for the bus to deliver it again. */
  add(event: EventEnvelope): Promise<void> {
    if (this.stopped) return Promise.reject(new Error(`consumer ${this.consumer} is stopping`));
    const taken = new Promise<void>((taken, refused) => this.waiting.push({ event, taken, refused }));
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => void this.track(this.drain()));
    }
    return taken;
  }

  /** Takes no more deliveries, refuses those still waiting, and waits for the work under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    while (this.underWay.size > 0) await Promise.allSettled(this.underWay);
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0 && !this.stopped) {
        for (const run of runsOfType(this.waiting.splice(0, consumerBatchSize))) await this.handleRun(run);
      }
      for (const w of this.waiting.splice(0)) w.refused(new Error(`consumer ${this.consumer} is stopping`));
    } finally {
      this.draining = false;
    }
  }

  private async handleRun(run: Waiting[]): Promise<void> {
    try {
      await this.handling.together(run.map((w) => w.event));
      for (const w of run) w.taken();
    } catch (error) {
      if (run.length > 1)
        this.log.warn({ err: error, events: run.length }, 'a run of events failed; handling them one by one');
      for (const w of run)
        void this.track(this.handling.alone(w.event, run.length === 1 ? { error } : undefined)).then(
          w.taken,
          w.refused,
        );
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.underWay.add(work);
    void work.finally(() => this.underWay.delete(work)).catch(() => undefined);
    return work;
  }
}

/** Consecutive deliveries of the same event type, in order. */
function runsOfType(batch: Waiting[]): Waiting[][] {
  const runs: Waiting[][] = [];
  for (const waiting of batch) {
    const last = runs.at(-1);
    if (last?.[0]?.event.type === waiting.event.type) last.push(waiting);
    else runs.push([waiting]);
  }
  return runs;
}
