import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** One request as the client saw it: when it went out, when its answer (or its failure) came. */
export interface Sent {
  method: string;
  path: string;
  startedAt: number;
  endedAt: number;
  /** The HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  code?: string;
}

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** A failed request: no answer at all, or a 5xx. */
export const failed = (sent: Pick<Sent, 'status'>): boolean => sent.status === 0 || sent.status >= 500;

/** Requests to the public entry point, each one logged. */
export class EntryClient {
  readonly sent: Sent[] = [];

  constructor(readonly url: string) {}

  async send(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer | undefined> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const record: Sent = { method, path, startedAt: Date.now(), endedAt: 0, status: 0 };
    this.sent.push(record);
    try {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      const body: unknown = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
      record.status = res.status;
      const code = (body as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string') record.code = code;
      else if (failed(record)) record.code = text.replace(/\s+/g, ' ').slice(0, 80);
      return { status: res.status, body };
    } catch {
      return undefined;
    } finally {
      record.endedAt = Date.now();
    }
  }

  /**
   * Sends until an answer that is not `retryable` comes (by default: every answer but a failure),
   * as a client does across a restart: what it sends is safe to send again.
   */
  async untilAnswered(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
    retryable: (answer: Answer) => boolean = (a) => failed(a),
  ): Promise<Answer> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const answer = await this.send(method, path, options);
      if (answer && !retryable(answer)) return answer;
      if (Date.now() > deadline)
        throw new Error(
          `${method} ${path} got no lasting answer in 120 s (last: ${answer ? `${answer.status} ${JSON.stringify(answer.body)}` : 'no answer'})`,
        );
      await sleep(150);
    }
  }
}

/** A small deterministic random source (mulberry32), so that a seed replays the same choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const cards = ['tok_visa', 'tok_chargeDeclined', 'tok_processingError'] as const;

export interface Customer {
  accessToken: string;
}

export interface FlowOutcome {
  /** Orders the checkout answered 202 for, with the card each was paid with. */
  accepted: { orderId: string; card: string }[];
  /** Checkouts answered with a refusal, by problem code. */
  refused: Map<string, number>;
  /** Confirmed orders their customer cancelled (to be refunded). */
  cancelRequests: number;
  /** The longest a checkout took from its first request to its lasting answer. */
  longestCheckoutMs: number;
}

const thinkTimeMs = 200;

const shippingAddress = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};

/** Answers that say the checkout is under way elsewhere (or died there): ask again with the same key. */
const checkoutRetryable = (a: Answer) =>
  failed(a) || (a.status === 409 && ['idempotency_request_in_progress', 'checkout_in_progress'].includes(a.body?.code));

/**
 * One customer shopping until `stopped()`: sets a line in the cart, checks out with an
 * Idempotency-Key and a card picked at random, asking again with the same key until the answer
 * lasts; now and then cancels a confirmed order of theirs.
 */
export async function shop(
  client: EntryClient,
  customer: Customer,
  productIds: string[],
  random: () => number,
  stopped: () => boolean,
  outcome: FlowOutcome,
): Promise<void> {
  const token = customer.accessToken;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  let lastPaid: string | undefined;
  while (!stopped()) {
    // A steady flow rather than the most the machine can take: restarts get their share of it.
    await sleep(thinkTimeMs);
    const productId = pick(productIds);
    const line = await client.untilAnswered('PUT', `/api/v1/cart/items/${productId}`, {
      token,
      body: { quantity: 1 + Math.floor(random() * 2) },
    });
    if (line.status !== 200)
      throw new Error(`setting a cart line answered ${line.status} ${JSON.stringify(line.body)}`);
    const card = pick(cards);
    const asked = Date.now();
    const placed = await client.untilAnswered(
      'POST',
      '/api/v1/checkout',
      { token, headers: { 'idempotency-key': randomUUID() }, body: { shippingAddress, payment: { token: card } } },
      checkoutRetryable,
    );
    outcome.longestCheckoutMs = Math.max(outcome.longestCheckoutMs, Date.now() - asked);
    if (placed.status === 202) {
      outcome.accepted.push({ orderId: placed.body.order.id, card });
      if (card !== 'tok_chargeDeclined') lastPaid = placed.body.order.id;
    } else {
      const code = String(placed.body?.code ?? placed.status);
      outcome.refused.set(code, (outcome.refused.get(code) ?? 0) + 1);
      await client.untilAnswered('DELETE', '/api/v1/cart', { token });
    }
    if (lastPaid && random() < 0.2) {
      const order = await client.untilAnswered('GET', `/api/v1/orders/${lastPaid}`, { token });
      if (order.body?.status === 'confirmed') {
        // A cancel whose answer was lost finds the order cancelled the second time: 409.
        const cancelled = await client.untilAnswered('POST', `/api/v1/orders/${lastPaid}/cancel`, { token });
        if (cancelled.status === 200 || cancelled.body?.code === 'order_not_cancellable') outcome.cancelRequests += 1;
        lastPaid = undefined;
      }
    }
  }
}
