import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteRedisKeys } from '../../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../../src/platform/messaging/rabbitmq-testing.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import type { Config } from '../../src/platform/config/config-schema.js';
import { connectDatabase } from '../../src/platform/db/connect.js';
import { generateSigningKeys, type SigningKeys } from '../../src/platform/auth/signing-keys.js';
import type { Clock } from '../../src/platform/clock.js';
import type { Logger } from '../../src/platform/logging/logger.js';
import { buildProcess, type EmporiumProcess } from '../../src/apps/build-process.js';
import type { Infrastructure } from '../../src/apps/infrastructure.js';
import { serviceNames, type RunnableService } from '../../src/apps/service-catalogue.js';
import { createMigratedPglite } from './embedded-db.js';
import { createTestDatabase, realInfra, runId, testConfig, type ProfileName } from './infra.js';
import { createSplitApp } from './split-app.js';

export interface TestApp extends EmporiumProcess {
  profile: ProfileName;
  signingKeys: SigningKeys;
  /** Where the gateway listens when requests must reach it over a socket; unset: injected. */
  baseUrl?: string;
  /** A process that runs `service`, for tests that look inside it (its database handle, its data directory). */
  serving(service: RunnableService): EmporiumProcess;
  /** Every process that runs `service` (the split layout runs some services twice), for tests that watch all its instances. */
  instancesServing(service: RunnableService): EmporiumProcess[];
  /** Closes the process and removes what the run created (database, keys, queues). */
  close(): Promise<void>;
}

export interface TestAppOptions {
  config?: Partial<Config>;
  services?: RunnableService[];
  /** Share the key-value store (and so rate limits and sessions) with another test app. */
  shareWith?: TestApp;
  clock?: Clock;
  /** Serve as the public entry point, with rate limits and docs (default true). */
  gateway?: boolean;
  /** Start relays, consumers and jobs (default true). */
  background?: boolean;
  /** Replaces the logger made from the configuration (silent in tests). */
  logger?: Logger;
  /** Receives what the process tells its operator (default: dropped). */
  announce?: (message: string) => void;
}

/**
 * The shop on the chosen profile, isolated from every other test run: one Emporium process, or
 * for `split` one process per service behind a gateway (see split-app.ts).
 */
export async function createTestApp(profile: ProfileName, options: TestAppOptions = {}): Promise<TestApp> {
  if (profile === 'split') return createSplitApp(options);
  const dataDir = mkdtempSync(join(tmpdir(), 'emporium-test-'));
  const id = runId('e2e');
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(dataDir, { recursive: true, force: true })];
  let overrides: Partial<Config> = { ...testConfig, dataDir, ...options.config };
  const infrastructure: Partial<Infrastructure> = {};

  if (profile === 'real') {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    overrides = {
      databaseUrl: database.url,
      redisUrl: realInfra.redisUrl,
      amqpUrl: realInfra.amqpUrl,
      redisKeyPrefix: `${id}:`,
      amqpPrefix: id,
      ...overrides,
    };
    cleanups.push(() => deleteRabbitTopology(realInfra.amqpUrl, id, serviceNames));
    // An app sharing another's key-value store leaves its keys to that app.
    if (!options.shareWith) cleanups.push(() => deleteRedisKeys(realInfra.redisUrl, `${id}:`));
  } else {
    const pglite = await createMigratedPglite();
    const db = await connectDatabase({ pglite });
    infrastructure.db = db;
    cleanups.push(
      () => pglite.close(),
      () => db.close(),
    );
  }
  if (options.shareWith) {
    infrastructure.kv = options.shareWith.infrastructure.kv;
    overrides.redisKeyPrefix = options.shareWith.config.redisKeyPrefix;
  }
  const config = loadConfig({}, overrides);
  const signingKeys = options.shareWith?.signingKeys ?? generateSigningKeys();
  const proc = await buildProcess({
    config,
    services: options.services ?? [...serviceNames],
    gateway: options.gateway ?? true,
    infrastructure,
    signingKeys,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    announce: options.announce ?? (() => undefined),
  });
  if (options.background !== false) await proc.startBackground();
  return {
    ...proc,
    profile,
    signingKeys,
    serving: () => proc,
    instancesServing: () => [proc],
    close: async () => {
      await proc.stop();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}
