import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteRedisKeys } from '../../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../../src/platform/messaging/rabbitmq-testing.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import type { Config } from '../../src/platform/config/config-schema.js';
import { generateSigningKeys } from '../../src/platform/auth/signing-keys.js';
import type { ServiceModule } from '../../src/platform/runtime/service-module.js';
import { buildProcess, type EmporiumProcess } from '../../src/apps/build-process.js';
import { serviceNames, type RunnableService } from '../../src/apps/service-catalogue.js';
import { createTestDatabase, realInfra, runId, testConfig } from './infra.js';
import type { TestApp, TestAppOptions } from './test-app.js';

/** The setting that tells the gateway and the other services where each service runs. */
const urlSetting = {
  identity: 'identityUrls',
  catalog: 'catalogUrls',
  cart: 'cartUrls',
  orders: 'ordersUrls',
  payments: 'paymentsUrls',
  notifications: 'notificationsUrls',
} as const satisfies Record<RunnableService, keyof Config>;

type SplitProcess = { name: RunnableService | 'gateway'; proc: EmporiumProcess };

/** Services run as two instances, so that every hop to them is balanced and none may count on one instance. */
const instancesOf: Partial<Record<RunnableService, number>> = { catalog: 2, orders: 2 };

/**
 * The distributed layout: every service in a process of its own (catalog and orders in two) and a
 * gateway in front, each configured as an operator would (its own DATA_DIR, only the public key of
 * the token signer, the others' addresses in *_URL) and listening on 127.0.0.1. They share nothing
 * but PostgreSQL, Redis and RabbitMQ, and reach each other over HTTP: requests go to the gateway
 * over a socket, the gateway forwards them, orders calls catalog and cart, cart calls catalog, each
 * spreading its calls over the instances. The processes live in the test's Node process only
 * because that starts in a fraction of the time; nothing else is shared. One gateway: what
 * balances several is the entry point in front (see nginx-entry-point.test.ts).
 */
export async function createSplitApp(options: TestAppOptions = {}): Promise<TestApp> {
  if (options.shareWith) throw new Error('a split app shares its store through Redis, not with another app');
  const id = runId('split');
  const database = await createTestDatabase();
  const dataDirs: string[] = [];
  const processes: SplitProcess[] = [];
  const signingKeys = generateSigningKeys();
  const pem = { jwtPublicKey: signingKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  const shared = layoutConfig(id, database.url, options.config);
  const addresses: Partial<Config> = {};

  const start = async (
    name: RunnableService | 'gateway',
    overrides: Partial<Config>,
  ): Promise<{ proc: EmporiumProcess; address: string }> => {
    const dataDir = mkdtempSync(join(tmpdir(), `emporium-${name}-`));
    dataDirs.push(dataDir);
    const built = await buildProcess({
      config: loadConfig({}, { ...shared, ...addresses, dataDir, ...overrides }),
      services: name === 'gateway' ? [] : [name],
      gateway: name === 'gateway',
      ...(options.clock ? { clock: options.clock } : {}),
      announce: options.announce ?? (() => undefined),
    });
    // Stopped once, whether a test stops it first (an instance going away) or `close` does.
    let stopped: Promise<void> | undefined;
    const proc: EmporiumProcess = { ...built, stop: () => (stopped ??= built.stop()) };
    processes.push({ name, proc });
    return { proc, address: await proc.listen() };
  };

  const close = async () => {
    for (const { proc } of [...processes].reverse()) await proc.stop();
    await deleteRabbitTopology(realInfra.amqpUrl, id, serviceNames);
    await deleteRedisKeys(realInfra.redisUrl, `${id}:`);
    await database.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const chosen = options.services ?? serviceNames;
    // In the catalogue's order, so that each service's peers listen before it is configured.
    for (const name of serviceNames.filter((n) => chosen.includes(n))) {
      const keys =
        name === 'identity'
          ? { jwtPrivateKey: signingKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
          : pem;
      const started: string[] = [];
      for (let i = 0; i < (instancesOf[name] ?? 1); i += 1) {
        // The gateway says who the client is in X-Forwarded-For; a service believes only the gateway.
        started.push((await start(name, { ...keys, trustedProxies: ['127.0.0.1'] })).address);
      }
      addresses[urlSetting[name]] = started;
    }
    const gateway = await start('gateway', pem);
    const startBackground = async () => {
      for (const { proc } of processes) await proc.startBackground();
    };
    if (options.background !== false) await startBackground();
    return { ...layoutView(gateway, processes), signingKeys, startBackground, stop: close, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** What every process of the layout is configured with, before its own data directory, keys and peers' addresses. */
function layoutConfig(id: string, databaseUrl: string, overrides: Partial<Config> | undefined): Partial<Config> {
  return {
    ...testConfig,
    databaseUrl,
    // Nine pools on one PostgreSQL that other test files use at the same time.
    databasePoolSize: 4,
    redisUrl: realInfra.redisUrl,
    redisKeyPrefix: `${id}:`,
    amqpUrl: realInfra.amqpUrl,
    amqpPrefix: id,
    host: '127.0.0.1',
    port: 0,
    ...overrides,
  };
}

/** The layout as tests see it: the gateway's process and address, and each service by the instances serving it. */
function layoutView(gateway: { proc: EmporiumProcess; address: string }, processes: SplitProcess[]) {
  const services = new Map<RunnableService, ServiceModule>();
  for (const { proc } of processes)
    for (const [name, service] of proc.services) if (!services.has(name)) services.set(name, service);
  const instances = (service: RunnableService) => processes.filter((p) => p.name === service).map((p) => p.proc);
  return {
    ...gateway.proc,
    profile: 'split',
    baseUrl: gateway.address,
    services,
    serving: (service: RunnableService) => {
      const [proc] = instances(service);
      if (!proc) throw new Error(`${service} is not part of this app`);
      return proc;
    },
    instancesServing: instances,
  } satisfies Partial<TestApp>;
}
