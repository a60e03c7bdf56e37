import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runForJson, startNode, stop, waitForHttp } from './processes.js';

/**
 * `npm run bench`: starts Emporium (embedded profile, or real when DATABASE_URL, REDIS_URL and
 * AMQP_URL are set) and a bare Fastify baseline, loads each from a separate process, and prints
 * requests/s, p50, p99 and errors per scenario with the ratio to the baseline.
 */
interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const durationSeconds = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const profile = process.env.DATABASE_URL ? 'real' : 'embedded';

const load = (url: string, paths: string[]) =>
  runForJson<LoadResult>('bench/load.ts', [JSON.stringify({ url, paths, connections, durationSeconds })]);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'emporium-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startNode('src/apps/cli.ts', ['start'], {
    PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOG_FORMAT: 'json',
    RATE_LIMIT_PER_HOUR: '1000000000', SEED_DEMO_DATA: 'true', REDIS_KEY_PREFIX: `bench-${process.pid}:`, AMQP_PREFIX: `bench-${process.pid}`,
  });
  const baselinePort = await freePort();
  const baseline = startNode('bench/baseline-server.ts', [], { PORT: String(baselinePort) });
  try {
    await waitForHttp(`${base}/health/ready`, 60_000);
    await waitForHttp(`http://127.0.0.1:${baselinePort}/`, 20_000);
    const list = (await (await fetch(`${base}/api/v1/products?limit=20`)).json()) as { items: { id: string; categories: string[] }[] };
    const product = list.items[0];
    if (!product) throw new Error('the demo catalog is empty');
    const category = product.categories[0] ?? '';
    const rows: [string, LoadResult][] = [];
    process.stdout.write(`Profile: ${profile}; ${connections} connections, ${durationSeconds} s per scenario\n`);
    rows.push(['baseline: bare Fastify JSON', await load(`http://127.0.0.1:${baselinePort}`, ['/'])]);
    rows.push(['GET /api/v1/products/{id} (cache hit)', await load(base, [`/api/v1/products/${product.id}`])]);
    rows.push(['GET /api/v1/products?q=&category=', await load(base, [
      '/api/v1/products?q=steel', `/api/v1/products?category=${category}`, '/api/v1/products?q=wireless&sort=price_asc',
      `/api/v1/products?category=${category}&minPrice=1000&maxPrice=20000&inStock=true`,
    ])]);
    printTable(rows);
  } finally {
    await stop(server);
    await stop(baseline);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function printTable(rows: [string, LoadResult][]): void {
  const baselineRps = rows[0]?.[1].requestsPerSecond ?? 1;
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'vs baseline'];
  const lines = rows.map(([name, r]) => [
    name, r.requestsPerSecond.toFixed(0), String(r.p50), String(r.p99), String(r.errors), String(r.non2xx),
    `${((r.requestsPerSecond / baselineRps) * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write([fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n') + '\n');
}

await main();
