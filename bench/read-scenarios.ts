import { perUnit, readMeters, type CpuMeter } from './cpu.js';
import { runForJson } from './processes.js';

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export interface ReadSettings {
  connections: number;
  durationSeconds: number;
}

/** One autocannon run in a process of its own, with the CPU ms per request of each meter. */
export async function load(
  url: string,
  paths: string[],
  settings: ReadSettings,
  meters: Record<string, CpuMeter> = {},
): Promise<LoadResult & { cpuMsPerRequest: Record<string, number | null> }> {
  const before = readMeters(meters);
  const result = await runForJson<LoadResult>('bench/load.ts', [JSON.stringify({ url, paths, ...settings })]);
  return { ...result, cpuMsPerRequest: perUnit(before, readMeters(meters), result.total) };
}

/** The read scenarios: one product (a cache hit after the first request), and searches with filters. */
export async function readScenarios(base: string, settings: ReadSettings): Promise<[string, LoadResult][]> {
  const list = (await (await fetch(`${base}/api/v1/products?limit=20`)).json()) as {
    items: { id: string; categories: string[] }[];
  };
  const product = list.items[0];
  if (!product) throw new Error('the demo catalog is empty');
  const category = product.categories[0] ?? '';
  return [
    ['GET /api/v1/products/{id} (cache hit)', await load(base, [`/api/v1/products/${product.id}`], settings)],
    [
      'GET /api/v1/products (search, filters)',
      await load(
        base,
        [
          '/api/v1/products?q=steel',
          `/api/v1/products?category=${category}`,
          '/api/v1/products?q=wireless&sort=price_asc',
          `/api/v1/products?category=${category}&minPrice=1000&maxPrice=20000&inStock=true`,
        ],
        settings,
      ),
    ],
  ];
}
