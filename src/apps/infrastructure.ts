import type { Config } from '../platform/config/config-schema.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Database } from '../platform/db/database.js';
import { connectDatabase } from '../platform/db/connect.js';
import type { KvStore } from '../platform/kv/kv-store.js';
import { createKvStore } from '../platform/kv/create-kv-store.js';
import type { EventBus } from '../platform/messaging/event-bus.js';
import { createEventBus } from '../platform/messaging/create-event-bus.js';

export interface Infrastructure {
  db: Database;
  kv: KvStore;
  bus: EventBus;
}

/** Connects the database, key-value store and event bus the configuration names (embedded when unset). */
export async function connectInfrastructure(
  config: Config,
  logger: Logger,
  given: Partial<Infrastructure> = {},
  onProgress: (message: string) => void = () => undefined,
): Promise<Infrastructure> {
  const db =
    given.db ??
    (await connectDatabase({
      databaseUrl: config.databaseUrl,
      poolSize: config.databasePoolSize,
      backgroundPoolSize: config.databaseBackgroundPoolSize,
      dataDir: config.dataDir,
      onProgress,
    }));
  try {
    const kv = given.kv ?? (await createKvStore({ redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix }));
    const bus =
      given.bus ??
      (await createEventBus({
        amqpUrl: config.amqpUrl,
        amqpPrefix: config.amqpPrefix,
        deliverTwice: config.eventBusDeliverTwice,
        logger,
      }));
    return { db, kv, bus };
  } catch (err) {
    if (!given.db) await db.close();
    throw err;
  }
}
