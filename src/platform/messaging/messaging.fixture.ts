import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { createEmbeddedPglite } from '../../../test/support/embedded-db.js';
import { createTestDatabase, realInfra, realProfileEnabled, runId } from '../../../test/support/infra.js';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { connectDatabase } from '../db/connect.js';
import type { Database } from '../db/database.js';
import { migrateSchema } from '../db/migrate.js';
import { createMetrics, type Metrics } from '../metrics/metrics.js';
import { startConsumer, type Consumer, type Subscription } from './consumer.js';
import type { EventBus } from './event-bus.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { messagingMigrations } from './messaging-migrations.js';
import { createOutbox, type OutboxPublisher } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { RabbitMqEventBus } from './rabbitmq-event-bus.js';
import { deleteRabbitTopology } from './rabbitmq-testing.js';

export const logger = pino({ level: 'silent' });
export const eventually = (assertion: () => Promise<void> | void, timeout = 10_000) =>
  vi.waitFor(assertion, { timeout, interval: 20 });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
export type Handler = (event: EventEnvelope, trx: AnyDb) => Promise<void>;

export const recordEffect: Handler = async (event, trx) => {
  await trx.insertInto('effects').values({ event_id: event.id }).execute();
};

const effectsMigration = {
  '0001_effects': {
    up: async (db: AnyDb) => {
      await db.schema
        .createTable('effects')
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
    },
  },
};

export async function handled(metrics: Metrics, outcome: string): Promise<number> {
  const { values } = await metrics.eventsHandled.get();
  return values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

const databases = realProfileEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);
const buses = realProfileEnabled ? (['in-process', 'rabbitmq'] as const) : (['in-process'] as const);
/** Every database with every bus: PGlite and the in-process bus alone on the embedded profile. */
export const combinations = databases.flatMap((database) => buses.map((bus) => ({ database, bus })));

async function openDatabase(
  database: (typeof databases)[number],
): Promise<{ db: Database; close: () => Promise<void> }> {
  if (database === 'pglite') {
    const pglite = await createEmbeddedPglite();
    return { db: await connectDatabase({ pglite }), close: () => pglite.close() };
  }
  const created = await createTestDatabase();
  return { db: await connectDatabase({ databaseUrl: created.url }), close: created.drop };
}

async function connectBus(kind: (typeof buses)[number], prefix: string, deliverTwice: boolean): Promise<EventBus> {
  return kind === 'rabbitmq'
    ? RabbitMqEventBus.connect({ url: realInfra.amqpUrl, prefix, logger, redeliveryDelayMs: 20, deliverTwice })
    : new InProcessEventBus({ logger, redeliveryDelayMs: 20, deliverTwice });
}

interface TestServiceOptions {
  deliverTwice?: boolean;
  attempts?: number;
  baseMs?: number;
  handler?: Handler;
  subscriptions?: Subscription[];
  consume?: boolean;
  relay?: boolean;
  publisher?: OutboxPublisher;
}

/** One test service's schema, bus and metrics, and the cleanups of the test that made it. */
interface TestServiceWiring {
  name: string;
  db: AnyDb;
  bus: EventBus;
  metrics: Metrics;
  cleanups: (() => Promise<void>)[];
}

/** Starts the service's consumer as the runtime does; by default its handler records an effect per event. */
function consumerStarter(wiring: TestServiceWiring, options: TestServiceOptions): () => Promise<Consumer> {
  const { name, db, bus, metrics, cleanups } = wiring;
  const handler = options.handler ?? recordEffect;
  return async () => {
    const consumer: Consumer = await startConsumer({
      consumer: name,
      db,
      bus,
      metrics,
      logger,
      replayPollMs: 50,
      subscriptions: options.subscriptions ?? [{ event: 'thing.created', handle: (event, trx) => handler(event, trx) }],
      retry: { attempts: options.attempts ?? 3, baseMs: options.baseMs ?? 10 },
      publisher: options.publisher,
    });
    cleanups.push(() => consumer.stop());
    return consumer;
  };
}

/** Starts a relay of the service's outbox, on its own bus unless given another. */
function relayStarter({ name, db, bus, metrics, cleanups }: TestServiceWiring) {
  return (
    relayBus: EventBus = bus,
    pollMs = 20,
    sizes: { batchSize?: number; maxInFlight?: number; stopGraceMs?: number } = {},
  ): OutboxRelay => {
    const started = new OutboxRelay({ service: name, db, bus: relayBus, metrics, logger, pollMs, ...sizes });
    started.start();
    cleanups.push(() => started.stop());
    return started;
  };
}

/** How many effects the service recorded: of one event, or of all. */
const effectsCounter = (db: AnyDb) => async (eventId?: string) => {
  let query = db.selectFrom('effects').select('event_id');
  if (eventId) query = query.where('event_id', '=', eventId);
  return (await query.execute()).length;
};

/**
 * Test services wired as the runtime wires them, on one database per test file: `service()` makes
 * one in a schema of its own whose handler records an effect per event. Hooks close what each
 * test opened, and the database after the file.
 */
export function messagingHarness({ database, bus: busKind }: (typeof combinations)[number]) {
  let db: Database;
  let closeDatabase: () => Promise<void>;
  const cleanups: (() => Promise<void>)[] = [];
  let tests = 0;

  beforeAll(async () => {
    ({ db, close: closeDatabase } = await openDatabase(database));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await db?.close();
    await closeDatabase?.();
  });

  async function service(options: TestServiceOptions = {}) {
    tests += 1;
    const name = `svc_${tests}`;
    const prefix = runId('msg');
    await migrateSchema(db, name, { ...messagingMigrations, ...effectsMigration });
    const bus = await connectBus(busKind, prefix, options.deliverTwice ?? false);
    cleanups.push(async () => {
      await bus.close();
      if (busKind === 'rabbitmq') await deleteRabbitTopology(realInfra.amqpUrl, prefix, [name]);
    });
    const schemaDb: AnyDb = db.forSchema(name);
    const metrics = createMetrics();
    const wiring = { name, db: schemaDb, bus, metrics, cleanups };
    const consume = consumerStarter(wiring, options);
    const relay = relayStarter(wiring);
    if (options.consume !== false) await consume();
    const running = options.relay === false ? null : relay();
    const outbox = createOutbox({ db: schemaDb, ...(running ? { publisher: running } : {}) });
    const effects = effectsCounter(schemaDb);
    const emit = (data: unknown = {}) =>
      outbox.transaction((_trx, send) => send([{ type: 'thing.created', data }])).then(([e]) => e!);
    return { name, prefix, db: schemaDb, bus, metrics, outbox, effects, emit, consume, relay };
  }

  return { service, root: () => db.root, afterTest: (cleanup: () => Promise<void>) => cleanups.push(cleanup) };
}
