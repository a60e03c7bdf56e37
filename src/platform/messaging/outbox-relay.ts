import { sql, type Kysely } from 'kysely';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { EventBus } from './event-bus.js';
import { messagingTables, type MessagingTables } from './messaging-tables.js';
import { queryTemplate } from '../db/query-template.js';

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
  /** Longest wait in `stop()` for batches being published; unmarked rows go out again later. */
  stopGraceMs?: number;
}

export interface OutboxRelay {
  /** Look for new rows now instead of at the next poll. */
  wake(): void;
  /** Stops claiming and waits (a bounded time) for the batches being published. */
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
const claimBatch = queryTemplate<MessagingTables, { lease: string; limit: number }, OutboxRow>(['lease', 'limit'], (db, p) =>
  db
    .updateTable('outbox')
    .set({ claimed_until: sql<Date>`now() + ${p.lease}::interval` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox')
        .select('id')
        .where('published_at', 'is', null)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', sql<Date>`now()`)]))
        .orderBy('seq')
        .limit(p.limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'type', 'version', 'occurred_at', 'data', 'traceparent', 'seq']),
);

/** Rows still unpublished stay held (or are held again) for `lease`. */
const leaseAgain = queryTemplate<MessagingTables, { lease: string; ids: string[] }>(['lease', 'ids'], (db, p) =>
  db
    .updateTable('outbox')
    .set({ claimed_until: sql<Date>`now() + ${p.lease}::interval` })
    .where('id', '=', sql<string>`any(${p.ids}::uuid[])`)
    .where('published_at', 'is', null),
);

const markPublished = queryTemplate<MessagingTables, { ids: string[] }>(['ids'], (db, p) =>
  db.updateTable('outbox').set({ published_at: sql<Date>`now()`, claimed_until: null }).where('id', '=', sql<string>`any(${p.ids}::uuid[])`),
);

/**
 * Publishes what services wrote to their outbox. Rows are claimed with a lease in one short
 * statement and marked after the bus confirmed them, so no transaction is held while publishing:
 * in-process consumers run their own queries meanwhile, which a single PGlite connection needs.
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
  const due = { renew: 0, backlog: 0, cleanup: 0 };

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

  const claim = async () => (await claimBatch.execute(db, { lease: interval(leaseMs), limit: batchSize })).rows;

  const backoffMs = () => Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 16));

  const publish = (rows: Awaited<ReturnType<typeof claim>>): Promise<void> => {
    const ids = rows.map((r) => r.id);
    const envelopes = [...rows].sort((a, b) => a.seq - b.seq).map(toEnvelope);
    const job = (async () => {
      try {
        await bus.publish(envelopes);
      } catch (err) {
        failures += 1;
        const retryInMs = backoffMs();
        log.warn({ err, events: ids.length, retryInMs }, 'publishing events failed; will retry');
        await leaseAgain.execute(db, { lease: interval(retryInMs), ids });
        return;
      }
      failures = 0;
      for (const e of envelopes) metrics.eventsPublished.inc({ service, type: e.type });
      // Not marking is safe: the lease runs out, the rows go out again and inboxes drop the copies.
      await markPublished.execute(db, { ids });
    })().catch((err: unknown) => log.error({ err }, 'recording the outcome of a publish failed'));
    inFlight.set(job, ids);
    void job.finally(() => inFlight.delete(job));
    return job;
  };

  const housekeeping = async () => {
    const now = Date.now();
    const ids = [...inFlight.values()].flat();
    if (ids.length > 0 && now >= due.renew) {
      due.renew = now + leaseMs / 3;
      await leaseAgain.execute(db, { lease: interval(leaseMs), ids });
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

  const loop = async () => {
    while (!stopped) {
      try {
        await housekeeping();
        if (inFlight.size >= maxInFlight) {
          await pause(pollMs, Promise.race(inFlight.keys()));
          continue;
        }
        const rows = await claim();
        if (rows.length === 0) {
          await pause(failures > 0 ? backoffMs() : pollMs);
          continue;
        }
        const published = publish(rows);
        // The bus has this batch before the next: claiming that one need not wait for confirms.
        // After a short one, a little wait lets the next gather instead of costing a claim per event.
        if (rows.length < batchSize) await pause(lingerMs, published);
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
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      cancel?.();
      await running;
      // An in-process delivery to a consumer stopped first would never finish.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.stopGraceMs ?? 5_000)));
      await Promise.race([Promise.allSettled(inFlight.keys()), grace]);
      clearTimeout(timer);
    },
  };
}
