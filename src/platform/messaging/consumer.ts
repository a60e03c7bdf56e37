import { setTimeout as sleep } from 'node:timers/promises';
import { unlimited } from './abort-signals.js';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { consumerBatchSize, type EventBus } from './event-bus.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';
import { queryTemplate } from '../db/query-template.js';
import { transactionEvents, type Emit, type OutboxPublisher } from './outbox.js';

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
  | { handleBatch(events: EventEnvelope[], trx: Transaction<DB>, context: HandlerContext): Promise<void>; handle?: never }
);

type BatchHandler = (events: EventEnvelope[], trx: Transaction<unknown>, context: HandlerContext) => Promise<void>;

const asBatchHandler = (s: Subscription): BatchHandler =>
  s.handleBatch
    ? (events, trx, context) => s.handleBatch(events, trx, context)
    : async (events, trx, context) => {
        for (const event of events) await s.handle(event, trx, context);
      };

/** Consecutive events of the same type, in order. */
function runsOfType(events: EventEnvelope[]): EventEnvelope[][] {
  const runs: EventEnvelope[][] = [];
  for (const event of events) {
    const last = runs.at(-1);
    if (last?.[0]?.type === event.type) last.push(event);
    else runs.push([event]);
  }
  return runs;
}

export interface ConsumerOptions {
  /** The consuming service's name: its queue and its rows in `inbox` and `dead_letters`. */
  consumer: string;
  /** Bound to the consumer's schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
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

type Outcome = 'ok' | 'duplicate';
type Attempted = { ok: true; outcome: Outcome } | { ok: false; error: unknown; attempts: number };
type InTrx = (trx: Transaction<unknown>) => Promise<void>;
interface Waiting {
  event: EventEnvelope;
  taken: () => void;
  refused: (err: unknown) => void;
}

/** Records events as handled by `consumer`; returns those not recorded before. One statement whatever the batch. */
const recordInInbox = queryTemplate<MessagingTables, { consumer: string; ids: string[] }, { event_id: string }>(['consumer', 'ids'], (db, p) =>
  db
    .insertInto('inbox')
    .columns(['consumer', 'event_id'])
    .expression(sql`select ${p.consumer}::text, unnest(${p.ids}::uuid[])`)
    .onConflict((oc) => oc.doNothing())
    .returning('event_id'),
);

const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

/**
 * Handles each event at most once per consumer in effect: the inbox rows and the handlers' writes
 * commit together. Events waiting are handled in batches, one transaction each; when a batch
 * fails, its events are tried one by one, so one bad event neither blocks nor sinks the others.
 * Failures are retried with growing delay, then parked in `dead_letters`.
 */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const { consumer, metrics, retry } = options;
  const db = messagingTables(options.db);
  const log = options.logger.child({ component: 'consumer', consumer });
  const handlers = new Map<string, BatchHandler[]>();
  for (const s of options.subscriptions) handlers.set(s.event, [...(handlers.get(s.event) ?? []), asBatchHandler(s)]);
  // Every event being retried waits on it: far more than the default ten listeners.
  const stopping = unlimited(new AbortController());
  const inFlight = new Set<Promise<unknown>>();
  const waiting: Waiting[] = [];
  let draining = false;

  /** One transaction: the inbox rows of the events, and the handlers of those not handled before. */
  const handle = async (events: EventEnvelope[], alsoInTrx?: InTrx): Promise<Outcome[]> => {
    const committed: (() => Promise<void>)[] = [];
    const written = transactionEvents(options.publisher);
    const outcomes = await options.db.transaction().execute(async (trx): Promise<Outcome[]> => {
      const context: HandlerContext = { afterCommit: (fn) => committed.push(fn), emit: written.emitIn(trx) };
      const ids = [...new Set(events.map((e) => e.id.toLowerCase()))];
      const { rows: inserted } = await recordInInbox.execute(messagingTables(trx), { consumer, ids });
      const fresh = new Set(inserted.map((r) => r.event_id));
      // A second copy in the same batch is a duplicate like any other.
      const result: Outcome[] = events.map((event) => (fresh.delete(event.id.toLowerCase()) ? 'ok' : 'duplicate'));
      const toHandle = events.filter((_, i) => result[i] === 'ok');
      for (const run of runsOfType(toHandle)) {
        for (const handleRun of handlers.get(run[0]?.type ?? '') ?? []) await handleRun(run, trx, context);
      }
      await alsoInTrx?.(trx);
      return result;
    });
    written.handOver();
    // The effects are durable now; a failure here must not redeliver the events.
    for (const fn of committed) await fn().catch((err: unknown) => log.warn({ err }, 'after-commit step failed'));
    return outcomes;
  };

  const handled = (events: EventEnvelope[], outcomes: Outcome[]) => {
    events.forEach((event, i) => {
      const outcome = outcomes[i] ?? 'duplicate';
      const labels = { consumer, type: event.type };
      metrics.eventsHandled.inc({ ...labels, outcome });
      if (outcome === 'ok') metrics.eventLag.observe(labels, Math.max(0, Date.now() - Date.parse(event.occurredAt)) / 1000);
    });
  };

  /** Handles one event on its own until it succeeds or runs out of attempts; `failed` is an attempt already made. */
  const attempt = async (event: EventEnvelope, alsoInTrx?: InTrx, failed?: { error: unknown }): Promise<Attempted> => {
    const labels = { consumer, type: event.type };
    let lastFailure = failed;
    for (let n = 1; ; n += 1) {
      if (!lastFailure) {
        try {
          const outcomes = await handle([event], alsoInTrx);
          handled([event], outcomes);
          return { ok: true, outcome: outcomes[0] ?? 'duplicate' };
        } catch (error) {
          lastFailure = { error };
        }
      }
      const { error } = lastFailure;
      lastFailure = undefined;
      metrics.eventsHandled.inc({ ...labels, outcome: 'failed' });
      log.warn({ err: error, eventId: event.id, type: event.type, attempt: n }, 'handling an event failed');
      if (n >= retry.attempts || stopping.signal.aborted) return { ok: false, error, attempts: n };
      // Jitter only lengthens the wait, so delays never shrink from one attempt to the next.
      await sleep(retry.baseMs * 2 ** (n - 1) * (1 + Math.random() * 0.25), undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  const refreshDeadLetterGauge = async () => {
    const { n } = await db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).where('consumer', '=', consumer).executeTakeFirstOrThrow();
    metrics.deadLetters.set({ consumer }, Number(n));
  };

  const bury = async (event: EventEnvelope, error: unknown, attempts: number) => {
    await db
      .insertInto('dead_letters')
      .values({ consumer, event_id: event.id, event: JSON.stringify(event), error: describe(error), attempts })
      .onConflict((oc) =>
        oc.columns(['consumer', 'event_id']).doUpdateSet((eb) => ({
          attempts: sql<number>`${eb.ref('dead_letters.attempts')} + ${eb.ref('excluded.attempts')}`,
          error: eb.ref('excluded.error'),
          failed_at: sql<Date>`now()`,
          replay_requested_at: null,
        })),
      )
      .execute();
    metrics.eventsHandled.inc({ consumer, type: event.type, outcome: 'dead' });
    log.error({ eventId: event.id, type: event.type, attempts }, 'event moved to the dead letters');
    await refreshDeadLetterGauge();
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  /** Retries one event apart from the batches, which go on meanwhile. */
  const alone = (entry: Waiting, failed?: { error: unknown }) => {
    void track(
      (async () => {
        const result = await attempt(entry.event, undefined, failed);
        if (result.ok) return;
        // Thrown back to the bus, which redelivers later: a stopped consumer must not bury events.
        if (stopping.signal.aborted) throw result.error;
        await bury(entry.event, result.error, result.attempts);
      })(),
    ).then(entry.taken, entry.refused);
  };

  const drain = async () => {
    try {
      while (waiting.length > 0 && !stopping.signal.aborted) {
        const batch = waiting.splice(0, consumerBatchSize);
        const events = batch.map((w) => w.event);
        try {
          handled(events, await handle(events));
          metrics.eventBatchSize.observe({ consumer }, events.length);
          for (const w of batch) w.taken();
        } catch (error) {
          if (batch.length > 1) log.warn({ err: error, events: batch.length }, 'a batch of events failed; handling them one by one');
          for (const w of batch) alone(w, batch.length === 1 ? { error } : undefined);
        }
      }
      for (const w of waiting.splice(0)) w.refused(new Error(`consumer ${consumer} is stopping`));
    } finally {
      draining = false;
    }
  };

  const deliver = (event: EventEnvelope): Promise<void> => {
    if (stopping.signal.aborted) return Promise.reject(new Error(`consumer ${consumer} is stopping`));
    if (!handlers.has(event.type)) return Promise.resolve();
    const taken = new Promise<void>((resolve, reject) => waiting.push({ event, taken: resolve, refused: reject }));
    if (!draining) {
      draining = true;
      // Deliveries that came in the same read from the broker (or one in-process publish) join the batch.
      setImmediate(() => void track(drain()));
    }
    return taken;
  };

  const replayRequested = async () => {
    const rows = await db
      .selectFrom('dead_letters')
      .select(['id', 'event'])
      .where('consumer', '=', consumer)
      .where('replay_requested_at', 'is not', null)
      .orderBy('failed_at')
      .execute();
    for (const row of rows) {
      if (stopping.signal.aborted) return;
      const event = row.event as EventEnvelope;
      const result = await attempt(event, async (trx) => {
        await messagingTables(trx).deleteFrom('dead_letters').where('id', '=', row.id).execute();
      });
      if (!result.ok) {
        // A replay cut short by stop() stays requested, for the next start.
        if (!stopping.signal.aborted) await bury(event, result.error, result.attempts);
      } else log.info({ eventId: event.id, type: event.type }, 'dead letter replayed');
    }
  };

  const replayLoop = async () => {
    const everyMs = options.replayPollMs ?? 2_000;
    while (!stopping.signal.aborted) {
      await track(replayRequested().then(refreshDeadLetterGauge)).catch((err: unknown) => log.error({ err }, 'replaying dead letters failed'));
      await sleep(everyMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  };

  await options.bus.consume(consumer, [...handlers.keys()], deliver);
  const replaying = replayLoop();

  return {
    async stop() {
      stopping.abort();
      await replaying;
      await Promise.allSettled(inFlight);
    },
  };
}
