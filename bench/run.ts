import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { serviceNames } from '../src/apps/service-catalogue.js';
import { deleteRedisKeys } from '../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../src/platform/messaging/rabbitmq-testing.js';
import { freePort } from '../test/support/free-port.js';
import { startNode, stop, waitForHttp } from './processes.js';
import { autovacuumForRun, AutovacuumRefused } from './autovacuum.js';
import { printCapacityModel } from './capacity.js';
import { runCheckoutScenario, type CheckoutFigures } from './checkout-scenario.js';
import { printCheckouts } from './checkout-table.js';
import { processTreeCpu, serverMeters } from './cpu.js';
import { measureDbCeiling, writeTransactionCounter } from './db-ceiling.js';
import { benchDistributed, layoutName } from './distributed.js';
import { load, readScenarios, type LoadResult } from './read-scenarios.js';
import { printTable } from './table.js';

/**
 * `npm run bench [-- embedded|real|both|distributed [checkout]]`: starts Emporium and a bare Fastify
 * baseline, loads each from separate processes and prints per scenario requests/s, p50, p99 and
 * errors with the ratio to the baseline; then the checkout scenario for each count of customers,
 * beside PostgreSQL alone running a six-commit checkout (its checkouts/s and CPU per checkout).
 * The real profile uses DATABASE_URL's server (a fresh database), REDIS_URL and AMQP_URL,
 * defaulting to the local servers. `distributed` runs the real profile's one process and the distributed layout (every
 * service a process of its own, nginx in front) side by side, then prints the capacity model.
 * PostgreSQL's autovacuum is on for the run (bench/autovacuum.ts).
 */

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const durationSeconds = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
// Each count is a run of its own, on a server and database of its own: below saturation the server
// idles between a customer's requests, so one count alone says little about what it can take.
const customerCounts = (process.env.BENCH_CUSTOMERS ?? '50,80').split(',').map(Number);
if (customerCounts.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('BENCH_CUSTOMERS: comma-separated whole numbers of customers, e.g. 50,80');
// As many as the ceiling's script spreads its checkouts over: with a handful, every checkout
// queues for the stock row of the same few products, a contention the ceiling does not have.
const products = Number(process.env.BENCH_PRODUCTS ?? 1000);
// The API and the background work (consumers, jobs) in processes of their own (PROCESS_ROLE).
const split = process.env.BENCH_SPLIT === '1';
const checkoutSeconds = Number(process.env.BENCH_CHECKOUT_SECONDS ?? 15);
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const choice = process.argv[2] ?? 'embedded';
const onlyCheckout = process.argv[3] === 'checkout';
if (!['embedded', 'real', 'both', 'distributed'].includes(choice))
  throw new Error('npm run bench -- embedded|real|both|distributed [checkout]');
const profiles = choice === 'both' ? ['embedded', 'real'] : choice === 'distributed' ? [] : [choice];
const read = { connections, durationSeconds };
const readSettings = onlyCheckout ? '' : `: ${connections} connections, ${durationSeconds} s per read scenario`;

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `emporium_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/**
 * Where the server's DATA_DIR goes. On the real profile it holds only the .eml files of the emails
 * sent (deployments send them over SMTP instead), and those go to memory where Linux offers it:
 * creating a file on these VMs' disks costs 0.02–0.6 ms of CPU, a cost of the disk that would be
 * charged to the shop. `BENCH_MAIL_ON_DISK=1` keeps them on disk. PGlite's files stay on disk.
 */
const scratchRoot = (profile: string) =>
  profile === 'real' && process.env.BENCH_MAIL_ON_DISK !== '1' && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** One server of `profile`: the read scenarios unless `checkoutOnly`, then the checkout scenario with `customers`. */
async function benchProfile(
  profile: string,
  baselineUrl: string,
  customers: number,
  checkoutOnly: boolean,
): Promise<{ rows: [string, LoadResult][]; checkout: CheckoutFigures; mailIn: string }> {
  const root = scratchRoot(profile);
  const dataDir = mkdtempSync(join(root, 'emporium-bench-'));
  const mailIn = root === '/dev/shm' ? 'memory (/dev/shm)' : `disk (${root})`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const admin = { email: 'bench-admin@example.com', password: randomBytes(12).toString('base64url') };
  const env: NodeJS.ProcessEnv = {
    // Any free metrics port: the split layout runs two servers on this machine.
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    RATE_LIMIT_PER_HOUR: '1000000000',
    SEED_DEMO_DATA: 'true',
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    DATABASE_URL: '',
    REDIS_URL: '',
    AMQP_URL: '',
  };
  const database = profile === 'real' ? await freshDatabase() : undefined;
  const prefix = `bench-${process.pid}`;
  if (database) {
    Object.assign(env, {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      AMQP_URL: amqpUrl,
      REDIS_KEY_PREFIX: `${prefix}:`,
      AMQP_PREFIX: prefix,
      // On a machine whose cores also run PostgreSQL, RabbitMQ and the load, one process does best.
      WORKERS: process.env.BENCH_WORKERS ?? '1',
    });
  }
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" to profile the server under load.
  // The young-generation size `npm start` gives the server (package.json), then any of the bench's own.
  const nodeArgs = [
    '--max-semi-space-size=64',
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const servers = [startNode('src/apps/cli.ts', ['start'], { ...env, PROCESS_ROLE: split ? 'api' : 'all' }, nodeArgs)];
  try {
    await waitForHttp(`${base}/health/ready`, 60_000);
    if (split) {
      // Started once the API process has migrated and seeded, so the two do not race for it.
      const backgroundPort = await freePort();
      servers.push(
        startNode(
          'src/apps/cli.ts',
          ['start'],
          { ...env, PROCESS_ROLE: 'background', PORT: String(backgroundPort) },
          nodeArgs,
        ),
      );
      await waitForHttp(`http://127.0.0.1:${backgroundPort}/health/ready`, 60_000);
    }
    const serverPids = servers.flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
    const meters = { Emporium: processTreeCpu(serverPids), ...(database ? serverMeters() : {}) };
    const checkout = () =>
      runCheckoutScenario(base, admin, {
        customers,
        products,
        seconds: checkoutSeconds,
        meters,
        ...(database ? { writeTransactions: writeTransactionCounter(database.url) } : {}),
      });
    if (checkoutOnly) return { rows: [], checkout: await checkout(), mailIn };
    const rows: [string, LoadResult][] = [
      ['baseline: bare Fastify JSON', await load(baselineUrl, ['/'], read)],
      ...(await readScenarios(base, read)),
    ];
    return { rows, checkout: await checkout(), mailIn };
  } finally {
    for (const server of servers) await stop(server);
    if (database) {
      await database.drop();
      // The servers are shared: leave nothing of this run behind.
      await deleteRedisKeys(redisUrl, `${prefix}:`);
      await deleteRabbitTopology(amqpUrl, prefix, serviceNames);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const checkoutHeading = (autovacuum: string) =>
  `Checkout: ${products} products, ${checkoutSeconds} s per run (add to cart + checkout with tok_visa), PostgreSQL autovacuum ${autovacuum}`;

const measureCeiling = () =>
  measureDbCeiling(postgresUrl, checkoutSeconds).catch((err: unknown) => {
    process.stdout.write(`(database ceiling not measured: ${(err as Error).message.split('\n')[0]})\n`);
    return undefined;
  });

function printReads(columns: string[], runs: [string, LoadResult][][], baselineRps: number): void {
  const names = [...new Set(runs.flatMap((rows) => rows.map(([name]) => name)))];
  const cell = (r: LoadResult | undefined) =>
    r
      ? `${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50} / p99 ${r.p99} ms, ${r.errors + r.non2xx} failed, ${((r.requestsPerSecond / baselineRps) * 100).toFixed(1)}% of baseline`
      : '—';
  printTable(
    ['scenario', ...columns],
    names.map((name) => [name, ...runs.map((rows) => cell(rows.find(([n]) => n === name)?.[1]))]),
  );
}

/** The real profile's one process and the distributed layout, one after the other for each count of customers. */
async function compareLayouts(baselineUrl: string, autovacuum: string): Promise<void> {
  process.stdout.write(
    `\n## one process against the distributed layout (${layoutName}), real profile${readSettings}\n\n`,
  );
  let baselineRps = 1;
  let mailIn = '';
  const columns: string[] = [];
  const reads: [string, LoadResult][][] = [];
  const checkouts: CheckoutFigures[] = [];
  let model: Awaited<ReturnType<typeof benchDistributed>> | undefined;
  for (const [i, customers] of customerCounts.entries()) {
    const checkoutOnly = onlyCheckout || i > 0;
    const single = await benchProfile('real', baselineUrl, customers, checkoutOnly);
    const distributed = await benchDistributed({ customers, products, checkoutSeconds, read, checkoutOnly });
    if (!checkoutOnly) {
      baselineRps = single.rows[0]?.[1].requestsPerSecond ?? 1;
      reads.push(single.rows.slice(1), distributed.rows);
    }
    model ??= distributed;
    mailIn = single.mailIn;
    columns.push(`one process, ${customers} customers`, `distributed, ${customers} customers`);
    checkouts.push(single.checkout, distributed.checkout);
  }
  if (reads.length > 0) printReads(['one process', 'distributed'], reads, baselineRps);
  const ceiling = await measureCeiling();
  printCheckouts(
    checkoutHeading(autovacuum),
    columns,
    checkouts,
    ceiling,
    checkouts.map((_, i) => (i % 2 === 0 ? mailIn : 'disk (the DATA_DIR of notifications)')),
  );
  if (model) printCapacityModel(model.checkout, model.cpuMsPerRead, ceiling?.checkoutsPerSecond);
}

async function benchAll(autovacuum: string): Promise<void> {
  const baselinePort = await freePort();
  const baseline = startNode('bench/baseline-server.ts', [], { PORT: String(baselinePort) });
  const baselineUrl = `http://127.0.0.1:${baselinePort}`;
  try {
    await waitForHttp(`${baselineUrl}/`, 20_000);
    if (choice === 'distributed') return await compareLayouts(baselineUrl, autovacuum);
    for (const profile of profiles) {
      process.stdout.write(`\n## ${profile} profile${readSettings}\n\n`);
      const runs = [];
      for (const [i, customers] of customerCounts.entries())
        runs.push(await benchProfile(profile, baselineUrl, customers, onlyCheckout || i > 0));
      const { rows, mailIn } = runs[0] ?? { rows: [], mailIn: '' };
      const baselineRps = rows[0]?.[1].requestsPerSecond ?? 1;
      if (rows.length > 0)
        printTable(
          ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'vs baseline'],
          rows.map(([name, r]) => [
            name,
            r.requestsPerSecond.toFixed(0),
            String(r.p50),
            String(r.p99),
            String(r.errors),
            String(r.non2xx),
            `${((r.requestsPerSecond / baselineRps) * 100).toFixed(1)}%`,
          ]),
        );
      const checkouts = runs.map((r) => r.checkout);
      printCheckouts(
        checkoutHeading(autovacuum),
        checkouts.map((c) => `${c.customers} customers`),
        checkouts,
        await measureCeiling(),
        checkouts.map(() => mailIn),
      );
    }
  } finally {
    await stop(baseline);
  }
}

/**
 * Without PostgreSQL the embedded profile still runs (the ceiling is then left out); the profiles
 * that run on it, and a refusal to turn autovacuum on, stop the bench.
 */
const noAutovacuum = (err: unknown) => {
  if (err instanceof AutovacuumRefused || choice !== 'embedded') throw err;
  return { note: `not checked (${(err as Error).message.split('\n')[0]})`, restore: () => Promise.resolve(undefined) };
};

async function main(): Promise<void> {
  const autovacuum = await autovacuumForRun(postgresUrl).catch(noAutovacuum);
  // Ctrl-C must not leave the shared server with the bench's setting.
  const onSignal = (signal: NodeJS.Signals) =>
    void autovacuum
      .restore()
      .then(
        (restored) => restored && process.stdout.write(`\n${restored}\n`),
        (err: unknown) => process.stderr.write(`${(err as Error).message}\n`),
      )
      .finally(() => process.exit(128 + constants.signals[signal]));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  process.stdout.write(`PostgreSQL autovacuum: ${autovacuum.note}\n`);
  try {
    await benchAll(autovacuum.note);
  } finally {
    const restored = await autovacuum.restore();
    if (restored) process.stdout.write(`\n${restored}\n`);
  }
}

try {
  await main();
} catch (err) {
  if (!(err instanceof AutovacuumRefused)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
}
