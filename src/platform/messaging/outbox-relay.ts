import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EventBus } from './event-bus.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';
import type { OutboxPublisher } from './outbox.js';

export interface OutboxRelayOptions {
  service: string;
  /** Bound to the service's schema. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
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

export interface OutboxRelay extends OutboxPublisher {
  /** Look for rows written without its lease now instead of at the next poll. */
  wake(): void;
  /** Stops claiming, publishes the events it was handed, and waits (a bounded time) for its batches; those unconfirmed by then are released to other relays. */
  stop(): Promise<void>;
}

const CLEANUP_EVERY_MS = 3_600_000;
const MAX_BACKOFF_MS = 30_000;

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  occurred_at: Date;
  data: unknown;
  traceparent: string | null;
  seq: number;
}

function toEnvelope(row: OutboxRow): EventEnvelope {
  return { id: row.id, type: row.type, version: row.version, occurredAt: row.occurred_at.toISOString(), data: row.data, traceparent: row.traceparent };
}

const interval = (ms: number) => `${Math.round(ms)} milliseconds`;

/** The oldest unpublished rows nobody holds, held by this relay for `lease`. */
const claimBatch = (db: Kysely<MessagingTables>, lease: string, limit: number) =>
  db
    .updateTable('outbox')
    .set({ claimed_until: sql<Date>`now() + ${lease}::interval` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'type', 'version', 'occurred_at', 'data', 'traceparent', 'seq'])
    .execute();

/** Rows still unpublished stay held (or are held again) for `lease`; one array parameter whatever their number. */
const leaseAgain = (db: Kysely<MessagingTables>, lease: string, ids: string[]) =>
  db
    .updateTable('outbox')
    .set({ claimed_until: sql<Date>`now() + ${lease}::interval` })
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .where('published_at', 'is', null)
    .execute();

const markPublished = (db: Kysely<MessagingTables>, ids: string[]) =>
  db
    .updateTable('outbox')
    .set({ published_at: sql<Date>`now()`, claimed_until: null })
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();

/**
 * Publishes what services wrote to their outbox. Events written in this process come leased to
 * this relay and are handed to it at commit (`take`); other rows are claimed with a lease in one
 * short statement at each poll. Rows are marked after the bus confirmed them, so no transaction is
 * held while publishing: in-process consumers run their own queries meanwhile, which a single
 * PGlite connection needs.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { service, bus, metrics, logger, pollMs } = options;
  const db: Kysely<MessagingTables> = messagingTables(options.db);
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? Math.max(30_000, pollMs * 10);
  const maxInFlight = options.maxInFlight ?? 8;
  const lingerMs = Math.min(pollMs, options.lingerMs ?? 25);
  const log = logger.child({ component: 'outbox-relay', service });

  const inFlight = new Map<Promise<void>, string[]>();
  let stopped = false;
  let failures = 0;
  let woken = false;
  let wakeUp: (() => void) | null = null;
  let cancel: (() => void) | null = null;
  const due = { renew: 0, backlog: 0, cleanup: 0, poll: 0 };
  const handed: EventEnvelope[] = [];
  // Past this many waiting (a bus that is down), handed events are left to polls instead of memory.
  const maxHanded = batchSize * maxInFlight;

  /** Sleeps up to `ms`. `stop()` always cuts it short; `wake()` only when not waiting on `until`. */
  const pause = (ms: number, until?: Promise<unknown>): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (woken && !until) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      // `until` may settle long after this pause ended: it must not clear a later pause's handles.
      const done = () => {
        clearTimeout(timer);
        if (cancel === done) cancel = null;
        if (wakeUp === done) wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      cancel = done;
      wakeUp = until ? null : done;
      until?.then(done, done);
    });
  };

  /** Cuts the loop's pause short, or skips its next one. */
  const rouse = () => {
    woken = true;
    wakeUp?.();
  };

  const claim = async () => {
    const rows = await claimBatch(db, interval(leaseMs), batchSize);
    // A full batch says there is more: claim again at once, not at the next poll.
    due.poll = rows.length === batchSize ? 0 : Date.now() + pollMs;
    return rows.sort((a, b) => a.seq - b.seq).map(toEnvelope);
  };

  /** Rows leased to this relay that it will not publish go to the next relay that polls. */
  const release = (ids: string[]) =>
    leaseAgain(db, interval(0), ids).catch((err: unknown) => log.warn({ err, events: ids.length }, 'releasing events failed; their lease runs out instead'));

  const backoffMs = () => Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 16));

  const publish = (envelopes: EventEnvelope[]): Promise<void> => {
    const ids = envelopes.map((e) => e.id);
    const job = (async () => {
      try {
        await bus.publish(envelopes);
      } catch (err) {
        failures += 1;
        const retryInMs = backoffMs();
        log.warn({ err, events: ids.length, retryInMs }, 'publishing events failed; will retry');
        await leaseAgain(db, interval(retryInMs), ids);
        return;
      }
      failures = 0;
      for (const e of envelopes) metrics.eventsPublished.inc({ service, type: e.type });
      // Not marking is safe: the lease runs out, the rows go out again and inboxes drop the copies.
      await markPublished(db, ids);
    })().catch((err: unknown) => log.error({ err }, 'recording the outcome of a publish failed'));
    inFlight.set(job, ids);
    void job.finally(() => inFlight.delete(job));
    return job;
  };

  const housekeeping = async () => {
    const now = Date.now();
    const ids = [...inFlight.values(), handed.map((e) => e.id)].flat();
    if (ids.length > 0 && now >= due.renew) {
      due.renew = now + leaseMs / 3;
      await leaseAgain(db, interval(leaseMs), ids);
    }
    if (now >= due.backlog) {
      due.backlog = now + pollMs;
      const { n } = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('published_at', 'is', null).executeTakeFirstOrThrow();
      metrics.outboxBacklog.set({ service }, Number(n));
    }
    if (now >= due.cleanup) {
      due.cleanup = now + CLEANUP_EVERY_MS;
      await db.deleteFrom('outbox').where('published_at', '<', sql<Date>`now() - interval '7 days'`).execute();
    }
  };

  /** Rows of other writers (or of a relay that died) once a poll, then the events handed over. */
  const nextBatch = async (): Promise<EventEnvelope[]> => {
    const claimed = Date.now() >= due.poll ? await claim() : [];
    return [...claimed, ...handed.splice(0, batchSize - claimed.length)];
  };

  const loop = async () => {
    while (!stopped) {
      try {
        await housekeeping();
        if (inFlight.size >= maxInFlight) {
          await pause(pollMs, Promise.race(inFlight.keys()));
          continue;
        }
        const batch = await nextBatch();
        if (batch.length === 0) {
          await pause(failures > 0 ? backoffMs() : pollMs);
          continue;
        }
        const published = publish(batch);
        // The bus has this batch before the next: claiming that one need not wait for confirms.
        // After a short one, a little wait lets the next gather instead of costing a batch per event.
        if (batch.length < batchSize) await pause(lingerMs, published);
        if (failures > 0) await pause(backoffMs());
      } catch (err) {
        failures += 1;
        log.error({ err }, 'outbox relay could not reach the database');
        await pause(backoffMs());
      }
    }
  };
  const running = loop();

  return {
    wake() {
      due.poll = 0;
      rouse();
    },
    leaseMs: () => (stopped ? null : leaseMs),
    take(envelopes) {
      // Written with the lease just before this relay stopped, or while the bus is away.
      if (stopped || handed.length >= maxHanded) {
        void release(envelopes.map((e) => e.id));
        return;
      }
      handed.push(...envelopes);
      rouse();
    },
    async stop() {
      stopped = true;
      cancel?.();
      await running;
      // What it was handed goes out now, not at another relay's poll (or, alone, at the next start).
      while (handed.length > 0) void publish(handed.splice(0, batchSize));
      // An in-process delivery to a consumer stopped first would never finish.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopGraceMs ?? 5_000)));
      await Promise.race([Promise.allSettled(inFlight.keys()), grace]);
      clearTimeout(timer);
      // Unconfirmed after the grace: other relays take them at once (inboxes drop a second copy).
      const unconfirmed = [...inFlight.values()].flat();
      if (unconfirmed.length > 0) await release(unconfirmed);
    },
  };
}
