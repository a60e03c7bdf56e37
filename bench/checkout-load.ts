import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The checkout scenario's load, in its own process: each customer adds a product to its cart
 * and checks out, again and again, until the time is up. Prints one JSON line.
 */
interface Plan {
  url: string;
  tokens: string[];
  productIds: string[];
  durationSeconds: number;
  windowSeconds: number;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const latencies: number[] = [];
const orders: string[] = [];
/** Checkouts accepted in each window of the run, from its start. */
const perWindow: number[] = [];
let rejected = 0;
let errors = 0;
const errorKinds: Record<string, number> = {};
const failed = (what: string) => {
  errors++;
  errorKinds[what] = (errorKinds[what] ?? 0) + 1;
};

// node:http with kept-alive sockets costs the load generator several times less CPU than fetch,
// and it shares the machine's two cores with the server it measures.
const agent = new Agent({ keepAlive: true, maxSockets: plan.tokens.length });

function post(
  path: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { order?: { id: string } } }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${plan.url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { order?: { id: string } } });
          } catch (err) {
            reject(err as Error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function customer(token: string, until: number): Promise<void> {
  while (Date.now() < until) {
    // A product at random, as the ceiling's script picks one.
    const productId = plan.productIds[Math.floor(Math.random() * plan.productIds.length)];
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
        {
          shippingAddress: {
            name: 'Bench Customer',
            line1: '1 Load St',
            city: 'Testville',
            postalCode: '12345',
            country: 'US',
          },
          payment: { token: 'tok_visa' },
        },
        { 'idempotency-key': randomUUID() },
      );
      latencies.push(performance.now() - started);
      if (res.status === 202 && res.body.order) {
        orders.push(res.body.order.id);
        const windowIndex = Math.floor((Date.now() - startedAt) / (plan.windowSeconds * 1000));
        perWindow[windowIndex] = (perWindow[windowIndex] ?? 0) + 1;
      } else if (res.status === 409) rejected++;
      else failed(`checkout ${res.status} ${(res.body as { code?: string }).code ?? ''}`);
    } catch (err) {
      failed(`network ${(err as Error).message}`);
    }
  }
}

const startedAt = Date.now();
const until = startedAt + plan.durationSeconds * 1000;
await Promise.all(plan.tokens.map((token) => customer(token, until)));
const elapsedSeconds = (Date.now() - startedAt) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({
    orders,
    perWindow: Array.from(perWindow, (n) => n ?? 0),
    rejected,
    errors,
    errorKinds,
    elapsedSeconds,
    p50: pct(50),
    p99: pct(99),
  }) + '\n',
);
agent.destroy();
