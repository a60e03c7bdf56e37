import { randomUUID } from 'node:crypto';

/**
 * The checkout scenario's load, in its own process: each customer adds a product to its cart
 * and checks out, again and again, until the time is up. Prints one JSON line.
 */
interface Plan {
  url: string;
  tokens: string[];
  productIds: string[];
  durationSeconds: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const latencies: number[] = [];
const orders: string[] = [];
let rejected = 0;
let errors = 0;
const errorKinds: Record<string, number> = {};
const failed = (what: string) => {
  errors++;
  errorKinds[what] = (errorKinds[what] ?? 0) + 1;
};

async function post(path: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${plan.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { order?: { id: string } } };
}

async function customer(token: string, index: number, until: number): Promise<void> {
  let n = index;
  while (Date.now() < until) {
    const productId = plan.productIds[n++ % plan.productIds.length];
    try {
      const added = await post('/api/v1/cart/items', token, { productId, quantity: 1 });
      if (added.status !== 200) {
        failed(`cart ${added.status} ${(added.body as { code?: string }).code ?? ''}`);
        continue;
      }
      const started = performance.now();
      const res = await post(
        '/api/v1/checkout',
        token,
        { shippingAddress: { name: 'Bench Customer', line1: '1 Load St', city: 'Testville', postalCode: '12345', country: 'US' }, payment: { token: 'tok_visa' } },
        { 'idempotency-key': randomUUID() },
      );
      latencies.push(performance.now() - started);
      if (res.status === 202 && res.body.order) orders.push(res.body.order.id);
      else if (res.status === 409) rejected++;
      else failed(`checkout ${res.status} ${(res.body as { code?: string }).code ?? ''}`);
    } catch (err) {
      failed(`network ${(err as Error).message}`);
    }
  }
}

const startedAt = Date.now();
const until = startedAt + plan.durationSeconds * 1000;
await Promise.all(plan.tokens.map((token, i) => customer(token, i, until)));
const elapsedSeconds = (Date.now() - startedAt) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(JSON.stringify({ orders, rejected, errors, errorKinds, elapsedSeconds, p50: pct(50), p99: pct(99) }) + '\n');
