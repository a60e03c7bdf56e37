import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderPlaced } from '../src/contracts/events/order-events.js';
import { writeOutboxEvents } from '../src/platform/messaging/outbox.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * What the payments service commits, counted by the statements that open each unit of work (the
 * log interleaves concurrent transactions on PostgreSQL, so they are not grouped by begin/commit):
 * a consumer's transaction inserts its events into the inbox, a claim is one statement, the charges
 * of a round one ledger write by the processor, a recording transaction starts by locking the claimed payments.
 */
function commitsOf(statements: string[]) {
  const count = (pattern: RegExp) => statements.filter((s) => pattern.test(s)).length;
  return {
    handlers: count(/^insert into "payments"\."inbox"/),
    claims: count(/^update "payments"\."payments" set "claimed_until"/),
    ledgerWrites: count(/^insert into "payments"\."processor_ledger"/),
    records: count(/^select \* from "payments"\."payments" where "id" = any\(.* for update/),
  };
}

describe.each(profiles)('Payments database cost (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['payments'] });
  });
  afterAll(() => app?.close());

  const observe = async (ms: number, during: () => Promise<void> = async () => undefined) => {
    const seen: string[] = [];
    const stop = app.infrastructure.db.observe((s) => seen.push(s));
    await during();
    await new Promise((r) => setTimeout(r, ms));
    stop();
    return commitsOf(seen);
  };

  it('takes a burst of orders in a few transactions, charges it with one claim, one ledger write and one recording transaction per round', async () => {
    const total = { amount: 100, currency: 'USD' };
    const events = Array.from({ length: 10 }, () => orderPlaced({ orderId: `ord_${randomUUID()}`, userId: 'u', items: [], total, payment: { token: 'tok_visa' } }));
    // Written where the orders service would write them; the payments schema's relay is the one running here.
    const cost = await observe(1_500, async () => void (await writeOutboxEvents(app.infrastructure.db.forSchema('payments'), events)));
    // The first event starts a transaction of its own, and on a busy machine the broker may hand
    // the rest over in more than one go; one transaction per event would be 10.
    expect(cost.handlers).toBeGreaterThanOrEqual(1);
    expect(cost.handlers).toBeLessThanOrEqual(4);
    const ledger = app.infrastructure.db.forSchema<{ processor_ledger: { idempotency_key: string } }>('payments');
    expect((await ledger.selectFrom('processor_ledger').select('idempotency_key').execute()).length).toBe(10);
    // A round follows each consumer transaction, and one more may pick up what arrived meanwhile.
    expect(cost.records).toBeLessThanOrEqual(cost.handlers + 1);
    expect(cost.ledgerWrites).toBeGreaterThanOrEqual(1);
    expect(cost.ledgerWrites).toBeLessThanOrEqual(cost.records);
    // Each round that found work, plus the empty looks of the short busy window after it.
    expect(cost.claims).toBeLessThanOrEqual(12);
  });

  it('looks for due payments about once a second when idle', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const cost = await observe(2_100);
    expect(cost.claims).toBeGreaterThanOrEqual(1);
    expect(cost.claims).toBeLessThanOrEqual(3);
  });
});
