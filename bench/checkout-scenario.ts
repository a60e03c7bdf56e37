import { measureCpu, type CpuMeter } from './cpu.js';
import { runForJson } from './processes.js';

/**
 * N customers each adding to cart and checking out for a while, then: checkouts accepted per
 * second, p50/p99 of POST /checkout, and time from checkout to `confirmed` (from order history).
 */
export interface CheckoutFigures {
  customers: number;
  products: number;
  accepted: number;
  rejected: number;
  errors: number;
  errorKinds: Record<string, number>;
  acceptedPerSecond: number;
  /** Checkouts accepted per second in each window of `windowSeconds` (the last one when it lasted half a window). */
  acceptedPerSecondByWindow: number[];
  confirmed: number;
  confirmedPerSecond: number;
  checkoutP50: number;
  checkoutP99: number;
  toConfirmedP50: number;
  toConfirmedP99: number;
  /** CPU time spent per accepted checkout during the load (ms), per meter, when known. */
  cpuMsPerCheckout: Record<string, number | null>;
  /** PostgreSQL transactions that wrote, per accepted checkout during the load, when known. */
  writesPerCheckout: number | null;
  /** Share of the machine's CPU time in use during the load (all processes), when known. */
  machineBusy: number | null;
}

/** Throughput is also given per window of this many seconds, to show whether it holds as data grows. */
export const windowSeconds = 10;

interface LoadOutput {
  orders: string[];
  perWindow: number[];
  rejected: number;
  errors: number;
  errorKinds: Record<string, number>;
  elapsedSeconds: number;
  p50: number;
  p99: number;
}

interface Order {
  id: string;
  status: string;
  createdAt: string;
  history: { status: string; at: string }[];
}

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function inBatches<T>(count: number, size: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += size)
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => make(i + j)))));
  return out;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Counts per window as rates, the last window by the time it lasted, left out when under half a window. */
function perSecond(perWindow: number[], elapsedSeconds: number): number[] {
  return perWindow.flatMap((count, i) => {
    const lasted = Math.min(windowSeconds, elapsedSeconds - i * windowSeconds);
    return lasted < windowSeconds / 2 ? [] : [count / lasted];
  });
}

export interface CheckoutScenario {
  customers: number;
  /** How many products they buy from, each time one at random. */
  products: number;
  seconds: number;
  /** What to measure the CPU time of: the server's processes, the shared servers. */
  meters: Record<string, CpuMeter>;
  /** Write transactions PostgreSQL has committed so far (its transaction id), on the real profile. */
  writeTransactions?: () => Promise<number>;
}

export async function runCheckoutScenario(
  base: string,
  admin: { email: string; password: string },
  scenario: CheckoutScenario,
): Promise<CheckoutFigures> {
  const { customers, products, seconds, meters, writeTransactions } = scenario;
  const { accessToken: adminToken } = await json<{ accessToken: string }>(`${base}/api/v1/auth/login`, {
    method: 'POST',
    body: JSON.stringify(admin),
  });
  const auth = { authorization: `Bearer ${adminToken}` };
  const productIds = await inBatches(products, 10, async (i) => {
    const body = {
      sku: `BENCH-${process.pid}-${i}`,
      name: `Bench product ${i}`,
      description: 'A product for the checkout benchmark.',
      price: { amount: 1000 + i },
      stock: 10_000_000,
    };
    return (
      await json<{ id: string }>(`${base}/api/v1/products`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      })
    ).id;
  });
  const tokens = await inBatches(customers, 4, async (i) => {
    const body = { email: `bench-${process.pid}-${i}@example.com`, password: 'bench password 123', name: `Bench ${i}` };
    return (
      await json<{ accessToken: string }>(`${base}/api/v1/auth/register`, {
        method: 'POST',
        body: JSON.stringify(body),
      })
    ).accessToken;
  });

  const cpu = measureCpu(meters);
  const writesBefore = await writeTransactions?.();
  const load = await runForJson<LoadOutput>('bench/checkout-load.ts', [
    JSON.stringify({ url: base, tokens, productIds, durationSeconds: seconds, windowSeconds }),
  ]);
  const placed = new Set(load.orders);
  const cost = cpu(placed.size);
  const writesAfter = await writeTransactions?.();
  const orders = await waitForOutcomes(base, auth, placed);
  const confirmed = orders.filter((o) => o.status === 'confirmed');
  const created = confirmed.map((o) => Date.parse(o.createdAt));
  const confirmedAt = confirmed.map((o) =>
    Date.parse(o.history.find((h) => h.status === 'confirmed')?.at ?? o.createdAt),
  );
  const toConfirmed = confirmed.map((_, i) => (confirmedAt[i] ?? 0) - (created[i] ?? 0)).sort((a, b) => a - b);
  const span = (Math.max(...confirmedAt) - Math.min(...created)) / 1000;
  return {
    customers,
    products,
    accepted: placed.size,
    rejected: load.rejected,
    errors: load.errors,
    errorKinds: load.errorKinds,
    acceptedPerSecond: placed.size / load.elapsedSeconds,
    acceptedPerSecondByWindow: perSecond(load.perWindow, load.elapsedSeconds),
    confirmed: confirmed.length,
    confirmedPerSecond: span > 0 ? confirmed.length / span : 0,
    checkoutP50: load.p50,
    checkoutP99: load.p99,
    toConfirmedP50: percentile(toConfirmed, 50),
    toConfirmedP99: percentile(toConfirmed, 99),
    cpuMsPerCheckout: cost.cpuMsPerUnit,
    writesPerCheckout:
      writesBefore !== undefined && writesAfter !== undefined && placed.size > 0
        ? (writesAfter - writesBefore) / placed.size
        : null,
    machineBusy: cost.machineBusy,
  };
}

/** Reads every order of the run once none of them is still waiting for its payment (60 s at most). */
async function waitForOutcomes(base: string, headers: Record<string, string>, placed: Set<string>): Promise<Order[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const orders: Order[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Order[]; nextCursor: string | null } = await json(
        `${base}/api/v1/admin/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers },
      );
      orders.push(...page.items.filter((o) => placed.has(o.id)));
      cursor = page.nextCursor;
    } while (cursor);
    if (orders.every((o) => o.status !== 'pending_payment') || Date.now() > deadline) return orders;
    await new Promise((r) => setTimeout(r, 500));
  }
}
