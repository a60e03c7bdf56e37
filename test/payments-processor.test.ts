import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/platform/clock.js';
import type { PaymentsDb } from '../src/services/payments/data/payments-db.js';
import { SimulatedCardProcessor } from '../src/services/payments/processor/simulated-card-processor.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe.each(profiles)('The simulated card processor (%s profile)', (profile) => {
  let app: TestApp;
  let processor: SimulatedCardProcessor;
  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['payments'] });
    processor = new SimulatedCardProcessor(app.infrastructure.db.forSchema<PaymentsDb>('payments'), systemClock);
  });
  afterAll(() => app?.close());

  const amount = { amount: 1999, currency: 'USD' };
  const ledgerRows = async (keys: string[]) =>
    (
      await app.infrastructure.db
        .forSchema<PaymentsDb>('payments')
        .selectFrom('processor_ledger')
        .select('idempotency_key')
        .where('idempotency_key', 'in', keys)
        .execute()
    ).length;

  it('charges calls made together in one ledger statement, each with its own answer', async () => {
    const seen: string[] = [];
    const stop = app.infrastructure.db.observe((s) => seen.push(s));
    const keys = Array.from({ length: 6 }, () => randomUUID());
    const tokens = [
      'tok_visa',
      'tok_mastercard',
      'tok_chargeDeclined',
      'tok_chargeDeclinedInsufficientFunds',
      'tok_visa',
      'tok_bogus',
    ];
    const results = await Promise.all(
      keys.map((idempotencyKey, i) =>
        processor.charge({ idempotencyKey, amount, token: tokens[i]!, description: 'test' }),
      ),
    );
    stop();
    expect(results.map((r) => (r.status === 'succeeded' ? 'succeeded' : r.code))).toEqual([
      'succeeded',
      'succeeded',
      'card_declined',
      'insufficient_funds',
      'succeeded',
      'invalid_token',
    ]);
    expect(new Set(results.flatMap((r) => (r.status === 'succeeded' ? [r.chargeId] : []))).size).toBe(3);
    expect(seen.filter((s) => s.startsWith('insert into "payments"."processor_ledger"'))).toHaveLength(1);
    expect(await ledgerRows(keys)).toBe(6);
  });

  it('answers a repeated key with its first result, whether the repeat comes later or in the same breath', async () => {
    const key = randomUUID();
    const first = await processor.charge({ idempotencyKey: key, amount, token: 'tok_visa', description: 'test' });
    const [again, andAgain] = await Promise.all([
      processor.charge({ idempotencyKey: key, amount, token: 'tok_visa', description: 'test' }),
      processor.charge({ idempotencyKey: key, amount, token: 'tok_visa', description: 'test' }),
    ]);
    expect(again).toEqual(first);
    expect(andAgain).toEqual(first);

    const together = randomUUID();
    const [a, b] = await Promise.all([
      processor.charge({ idempotencyKey: together, amount, token: 'tok_visa', description: 'test' }),
      processor.charge({ idempotencyKey: together, amount, token: 'tok_visa', description: 'test' }),
    ]);
    expect(b).toEqual(a);
    expect(await ledgerRows([key, together])).toBe(2);
  });
});
