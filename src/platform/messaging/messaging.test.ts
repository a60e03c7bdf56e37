import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, realInfra, realProfileEnabled, runId } from '../../../test/support/infra.js';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { connectDatabase } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { startConsumer, type Consumer, type Subscription } from './consumer.js';
import { listDeadLetters, requestReplay } from './dead-letters.js';
import type { EventBus } from './event-bus.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { messagingMigrations } from './messaging-migrations.js';
import { createOutbox, writeOutboxEvents, type OutboxPublisher } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { RabbitMqEventBus } from './rabbitmq-event-bus.js';
import { deleteRabbitTopology } from './rabbitmq-testing.js';

const logger = pino({ level: 'silent' });
const eventually = (assertion: () => Promise<void> | void, timeout = 10_000) => vi.waitFor(assertion, { timeout, interval: 20 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;
type Handler = (event: EventEnvelope, trx: AnyDb) => Promise<void>;

const recordEffect: Handler = async (event, trx) => {
  await trx.insertInto('effects').values({ event_id: event.id }).execute();
};

const effectsMigration = {
  '0001_effects': {
    up: async (db: AnyDb) => {
      await db.schema.createTable('effects').addColumn('event_id', 'uuid', (c) => c.notNull()).execute();
      await db.schema.createTable('orders').addColumn('id', 'text', (c) => c.primaryKey()).execute();
    },
  },
};

async function handled(metrics: Metrics, outcome: string): Promise<number> {
  const { values } = await metrics.eventsHandled.get();
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

const databases = realProfileEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const buses = realProfileEnabled ? (['in-process', 'rabbitmq'] as const) : (['in-process'] as const);
const combinations = databases.flatMap((database) => buses.map((bus) => ({ database, bus })));

describe.each(combinations)('messaging on $database with the $bus bus', ({ database, bus: busKind }) => {
  let db: Database;
  let closeDatabase: () => Promise<void>;
  const cleanups: (() => Promise<void>)[] = [];
  let tests = 0;

  beforeAll(async () => {
    if (database === 'pglite') {
      const pglite = new PGlite();
      await pglite.waitReady;
      db = await connectDatabase({ pglite });
      closeDatabase = () => pglite.close();
    } else {
      const created = await createTestDatabase();
      db = await connectDatabase({ databaseUrl: created.url });
      closeDatabase = created.drop;
    }
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await db?.close();
    await closeDatabase?.();
  });

  /** One service whose handler records an effect per event, wired as the runtime wires it. */
  async function service(
    options: { deliverTwice?: boolean; attempts?: number; baseMs?: number; handler?: Handler; subscriptions?: Subscription[]; consume?: boolean; relay?: boolean; publisher?: OutboxPublisher } = {},
  ) {
    tests += 1;
    const name = `svc_${tests}`;
    const prefix = runId('msg');
    await migrateSchema(db, name, { ...messagingMigrations, ...effectsMigration });
    const schemaDb: AnyDb = db.forSchema(name);
    const metrics = createMetrics();
    const bus: EventBus =
      busKind === 'rabbitmq'
        ? await RabbitMqEventBus.connect({ url: realInfra.amqpUrl, prefix, logger, redeliveryDelayMs: 20, deliverTwice: options.deliverTwice ?? false })
        : new InProcessEventBus({ logger, redeliveryDelayMs: 20, deliverTwice: options.deliverTwice ?? false });
    cleanups.push(async () => {
      await bus.close();
      if (busKind === 'rabbitmq') await deleteRabbitTopology(realInfra.amqpUrl, prefix, [name]);
    });
    const handler = options.handler ?? recordEffect;
    const consume = async () => {
      const consumer: Consumer = await startConsumer({
        consumer: name, db: schemaDb, bus, metrics, logger, replayPollMs: 50,
        subscriptions: options.subscriptions ?? [{ event: 'thing.created', handle: (event, trx) => handler(event, trx) }],
        retry: { attempts: options.attempts ?? 3, baseMs: options.baseMs ?? 10 },
        publisher: options.publisher,
      });
      cleanups.push(() => consumer.stop());
    };
    const relay = (relayBus: EventBus = bus, pollMs = 20, sizes: { batchSize?: number; maxInFlight?: number; stopGraceMs?: number } = {}): OutboxRelay => {
      const started = new OutboxRelay({ service: name, db: schemaDb, bus: relayBus, metrics, logger, pollMs, ...sizes });
      started.start();
      cleanups.push(() => started.stop());
      return started;
    };
    if (options.consume !== false) await consume();
    const running = options.relay === false ? null : relay();
    const outbox = createOutbox({ db: schemaDb, ...(running ? { publisher: running } : {}) });
    const effects = async (eventId?: string) => {
      let query = schemaDb.selectFrom('effects').select('event_id');
      if (eventId) query = query.where('event_id', '=', eventId);
      return (await query.execute()).length;
    };
    const emit = (data: unknown = {}) => outbox.transaction((_trx, send) => send([{ type: 'thing.created', data }])).then(([e]) => e!);
    return { name, prefix, db: schemaDb, bus, metrics, outbox, effects, emit, consume, relay };
  }

  it('delivers events once their transaction commits and never when it rolls back', async () => {
    const svc = await service();
    const [kept] = await svc.outbox.transaction(async (trx, emit) => {
      await trx.insertInto('orders').values({ id: 'o1' }).execute();
      return emit([{ type: 'thing.created', data: { order: 'o1' } }], { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    });
    const rollback = svc.outbox.transaction(async (trx, emit) => {
      await trx.insertInto('orders').values({ id: 'o2' }).execute();
      await emit([{ type: 'thing.created', data: { order: 'o2' } }]);
      throw new Error('changed my mind');
    });
    await expect(rollback).rejects.toThrow('changed my mind');
    await eventually(async () => expect(await svc.effects(kept!.id)).toBe(1));
    const rows = await svc.db.selectFrom('outbox').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: kept!.id, traceparent: kept!.traceparent, data: { order: 'o1' } });
    await eventually(async () => expect((await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow()).published_at).not.toBeNull());
    // The rolled-back event never reached the outbox, and all the outbox held is out.
    expect(await svc.effects()).toBe(1);
    expect((await svc.metrics.eventsPublished.get()).values[0]?.value).toBe(1);
  });

  it('gives a redelivered event one effect', async () => {
    const svc = await service();
    const event = await svc.emit();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    await svc.bus.publish([event]);
    await svc.bus.publish([event]);
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(2));
    expect(await svc.effects(event.id)).toBe(1);
  });

  it("hands the relay the events of a handler's transaction once it commits, leased to it, and nothing for one that raised none", async () => {
    const taken: EventEnvelope[][] = [];
    const svc = await service({
      relay: false,
      publisher: { leaseMs: () => 60_000, take: (envelopes) => void taken.push(envelopes) },
      subscriptions: [
        { event: 'thing.created', handle: async (event, trx, context) => void (await context.emit([{ type: 'thing.followed', data: { after: event.id } }])) },
        { event: 'thing.noted', handle: async (event, trx) => recordEffect(event, trx) },
      ],
    });
    await svc.outbox.transaction((_trx, send) => send([{ type: 'thing.noted', data: {} }]));
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(1));
    expect(taken).toEqual([]);
    const cause = await svc.emit();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(2));
    await eventually(() => expect(taken).toHaveLength(1));
    expect(taken[0]).toEqual([expect.objectContaining({ type: 'thing.followed', data: { after: cause.id } })]);
    const raised = await svc.db.selectFrom('outbox').select(['id', 'claimed_until', 'published_at']).where('type', '=', 'thing.followed').execute();
    expect(raised).toEqual([{ id: taken[0]![0]!.id, claimed_until: expect.any(Date), published_at: null }]);
    // Leased to the publisher it was handed to: the relay polling meanwhile leaves it alone.
    expect(raised[0]!.claimed_until!.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('publishes the events handed to it without another relay ever claiming them', async () => {
    const svc = await service();
    const published: string[] = [];
    const spy: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        published.push(...events.map((e) => e.id));
        await svc.bus.publish(events);
      },
    });
    // Another process's relay, polling all the time.
    svc.relay(spy, 5);
    await Promise.all(Array.from({ length: 20 }, (_, i) => svc.emit({ i })));
    await eventually(async () => expect(await svc.effects()).toBe(20));
    await eventually(async () => expect(await svc.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).toEqual([]));
    expect(published).toEqual([]);
  });

  it('leaves events handed to a relay whose bus hangs to the other relays instead of keeping them in memory', async () => {
    const svc = await service({ relay: false });
    const hanging: EventBus = Object.assign(Object.create(svc.bus) as EventBus, { publish: () => new Promise<void>(() => undefined) });
    // Room for one batch of one event under way and one waiting.
    const stuck = svc.relay(hanging, 60_000, { batchSize: 1, maxInFlight: 1, stopGraceMs: 50 });
    const outbox = createOutbox({ db: svc.db, publisher: stuck });
    const events = [];
    for (let i = 0; i < 5; i += 1) events.push(...(await outbox.transaction((_trx, send) => send([{ type: 'thing.created', data: { i } }]))));
    svc.relay(svc.bus, 20);
    // At most one is under way on the hanging bus and one waits for it; the others were released.
    // Everything published has been handled, and no more than those two are held back.
    await eventually(async () => {
      const held = await svc.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
      expect(held.length).toBeLessThanOrEqual(2);
      expect(await svc.effects()).toBe(events.length - held.length);
    });
  });

  it('releases the events handed to a stopped relay to the others at once, and a lease nobody took runs out', async () => {
    const svc = await service({ relay: false });
    const stopped = svc.relay(svc.bus, 60_000);
    await stopped.stop();
    expect(stopped.leaseMs()).toBeNull();
    // Written with a lease just before the relay stopped; and by a process that died before handing them over.
    const [late] = await writeOutboxEvents(svc.db, [{ type: 'thing.created', data: { late: true } }], {}, 60_000);
    const [orphan] = await writeOutboxEvents(svc.db, [{ type: 'thing.created', data: { orphan: true } }], {}, 2_000);
    stopped.take([late!]);
    svc.relay(svc.bus, 20);
    await eventually(async () => expect(await svc.effects(late!.id)).toBe(1), 1_500);
    expect(await svc.effects(orphan!.id)).toBe(0);
    await eventually(async () => expect(await svc.effects(orphan!.id)).toBe(1), 6_000);
  });

  it('gives one effect per event when the bus delivers everything twice', async () => {
    const svc = await service({ deliverTwice: true });
    const events = [await svc.emit(), await svc.emit(), await svc.emit()];
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(3));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
  });

  it('handles a burst of events in a few shared transactions, each exactly once', async () => {
    const transactions = new Set<string>();
    const svc = await service({
      relay: false,
      handler: async (event, trx) => {
        transactions.add((await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]!.id);
        await recordEffect(event, trx);
      },
    });
    const burst = Array.from({ length: 40 }, (_, i) => ({ type: 'thing.created', data: { i } }));
    const events = await svc.outbox.transaction((_trx, send) => send(burst));
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(40));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
    expect(transactions.size).toBeLessThan(40 / 4);
    const sizes = (await svc.metrics.eventBatchSize.get()).values;
    expect(sizes.find((v) => v.metricName === 'emporium_event_batch_size_sum')?.value).toBe(40);
    expect(sizes.find((v) => v.metricName === 'emporium_event_batch_size_count')?.value).toBe(transactions.size);
  });

  it('hands consecutive events of a type to its batch handler together, in the order they were emitted', async () => {
    const handledIds: string[] = [];
    const runs: EventEnvelope[][] = [];
    const svc = await service({
      relay: false,
      subscriptions: [
        {
          event: 'thing.created',
          handleBatch: async (events, trx) => {
            runs.push(events);
            for (const event of events) await recordEffect(event, trx);
            handledIds.push(...events.map((e) => e.id));
          },
        },
        {
          event: 'thing.removed',
          handle: async (event, trx) => {
            await recordEffect(event, trx);
            handledIds.push(event.id);
          },
        },
      ],
    });
    const types = ['created', 'created', 'created', 'created', 'created', 'removed', 'created', 'created', 'created', 'created'];
    const events = await svc.outbox.transaction((_trx, send) => send(types.map((t, i) => ({ type: `thing.${t}`, data: { i } }))));
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(events.length));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
    expect(handledIds).toEqual(events.map((e) => e.id));
    expect(runs.flat()).toHaveLength(9);
    for (const run of runs) expect(run.every((e) => e.type === 'thing.created')).toBe(true);
    // The first event may be taken alone before the rest arrive; later ones share runs.
    expect(runs.some((run) => run.length > 1)).toBe(true);
  });

  it('handles the rest of a burst when one event in it always fails, and parks that one', async () => {
    const svc = await service({
      relay: false,
      attempts: 2,
      handler: async (event, trx) => {
        if ((event.data as { poison: boolean }).poison) throw new Error('poisoned');
        await recordEffect(event, trx);
      },
    });
    const burst = Array.from({ length: 20 }, (_, i) => ({ type: 'thing.created', data: { poison: i === 7 } }));
    const events = await svc.outbox.transaction((_trx, send) => send(burst));
    svc.relay();
    await eventually(async () => expect(await listDeadLetters(svc.db)).toHaveLength(1));
    const [dead] = await listDeadLetters(svc.db, svc.name);
    expect(dead).toMatchObject({ event: events[7], attempts: 2 });
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(19));
    for (const [i, event] of events.entries()) expect(await svc.effects(event.id)).toBe(i === 7 ? 0 : 1);
  });

  it('retries a failing handler with growing delays until it succeeds', async () => {
    const calls: number[] = [];
    const svc = await service({
      attempts: 5,
      baseMs: 20,
      handler: async (event, trx) => {
        calls.push(Date.now());
        await recordEffect(event, trx);
        // The effect written before the throw must roll back with the attempt.
        if (calls.length <= 3) throw new Error(`flaky ${calls.length}`);
      },
    });
    const event = await svc.emit();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    expect(await handled(svc.metrics, 'failed')).toBe(3);
    expect(await handled(svc.metrics, 'ok')).toBe(1);
  });

  it('keeps later events flowing while one delivery backs off', async () => {
    const done: string[] = [];
    let slowCalls = 0;
    const svc = await service({
      attempts: 5,
      baseMs: 100,
      handler: async (event, trx) => {
        const { kind } = event.data as { kind: string };
        if (kind === 'slow' && ++slowCalls < 4) throw new Error('backing off');
        await recordEffect(event, trx);
        done.push(kind);
      },
    });
    await svc.emit({ kind: 'slow' });
    await svc.emit({ kind: 'fast' });
    await eventually(() => expect(done).toEqual(['fast', 'slow']));
  });

  it('parks an event that always fails in the dead letters and replays it on request', async () => {
    let broken = true;
    const svc = await service({
      attempts: 3,
      handler: async (event, trx) => {
        if (broken) throw new Error('handler bug');
        await recordEffect(event, trx);
      },
    });
    const event = await svc.emit();
    await eventually(async () => expect(await listDeadLetters(svc.db)).toHaveLength(1));
    const [dead] = await listDeadLetters(svc.db, svc.name);
    expect(dead).toMatchObject({ consumer: svc.name, attempts: 3, event, replayRequestedAt: null });
    expect(dead!.error).toContain('handler bug');
    expect(await handled(svc.metrics, 'failed')).toBe(3);
    expect(await handled(svc.metrics, 'dead')).toBe(1);
    await eventually(async () => expect((await svc.metrics.deadLetters.get()).values[0]?.value).toBe(1));
    expect(await listDeadLetters(svc.db, 'someone-else')).toEqual([]);

    broken = false;
    expect(await requestReplay(svc.db, ['not-a-uuid'])).toBe(0);
    expect(await requestReplay(svc.db, [dead!.id])).toBe(1);
    await eventually(async () => expect(await listDeadLetters(svc.db)).toEqual([]));
    expect(await svc.effects(event.id)).toBe(1);
    await eventually(async () => expect((await svc.metrics.deadLetters.get()).values[0]?.value).toBe(0));
  });

  it('publishes again after a relay died between publishing and marking, and the inbox drops the copy', async () => {
    const svc = await service({ relay: false });
    let crashed: () => void = () => undefined;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    const dying: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        await svc.bus.publish(events);
        crashed();
        throw new Error('process died before marking');
      },
    });
    const first = svc.relay(dying);
    const event = await svc.emit();
    first.wake();
    await crash;
    await first.stop();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    const row = await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow();
    expect(row.published_at).toBeNull();

    svc.relay();
    await eventually(async () => expect((await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow()).published_at).not.toBeNull());
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(1));
    expect(await svc.effects(event.id)).toBe(1);
  });

  it('hands a backlog of several batches to the bus in order without waiting for each to be confirmed', async () => {
    const svc = await service({ relay: false });
    const handed: string[][] = [];
    let confirm: () => void = () => undefined;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const slow: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        handed.push(events.map((e) => e.id));
        const sent = svc.bus.publish(events);
        await confirmed;
        await sent;
      },
    });
    const events = await svc.outbox.transaction((_trx, send) => send(Array.from({ length: 250 }, (_, i) => ({ type: 'thing.created', data: { i } }))));
    // A poll far longer than the test: only not waiting for confirms gets all three batches out.
    svc.relay(slow, 60_000).wake();
    await eventually(() => expect(handed.map((batch) => batch.length)).toEqual([100, 100, 50]), 5_000);
    expect(handed.flat()).toEqual(events.map((e) => e.id));
    confirm();
    await eventually(async () => expect(await svc.effects()).toBe(250));
  });

  // Only a broker can hand a delivery to another process; the in-process bus dies with its process.
  if (busKind === 'rabbitmq') it('hands an event to another consumer when the process handling it dies', async () => {
    const svc = await service({ consume: false });
    const child = fork(fileURLToPath(new URL('./dying-consumer.fixture.ts', import.meta.url)), [realInfra.amqpUrl, svc.prefix, svc.name, 'thing.created'], {
      execArgv: ['--import', 'tsx'],
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    cleanups.push(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    const messages: { ready?: boolean; received?: string }[] = [];
    child.on('message', (m) => messages.push(m as (typeof messages)[number]));
    await eventually(() => expect(messages).toContainEqual({ ready: true }), 20_000);

    const event = await svc.emit();
    await eventually(() => expect(messages).toContainEqual({ received: event.id }));
    child.kill('SIGKILL');
    await exited;
    await svc.consume();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    expect(await svc.db.selectFrom('inbox').select('event_id').execute()).toEqual([{ event_id: event.id }]);
  });

  it('keeps one schema per service for its messaging tables', async () => {
    const svc = await service({ consume: false, relay: false });
    const { rows } = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${svc.name} order by table_name`.execute(db.root);
    expect(rows.map((r) => r.table_name)).toEqual(['dead_letters', 'effects', 'inbox', 'kysely_migration', 'kysely_migration_lock', 'orders', 'outbox']);
  });
});
