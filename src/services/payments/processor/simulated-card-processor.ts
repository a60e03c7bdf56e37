import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../platform/clock.js';
import { sql, type Insertable, type Kysely } from 'kysely';
import type { PaymentsDb, ProcessorLedgerTable } from '../data/payments-db.js';
import {
  TransientProcessorError,
  type ChargeRequest,
  type ChargeResult,
  type PaymentProcessor,
  type RefundRequest,
  type RefundResult,
} from './payment-processor.js';

/** Test tokens named after Stripe's: what each one does to a charge. */
const declines: Record<string, string> = {
  tok_chargeDeclined: 'card_declined',
  tok_chargeDeclinedInsufficientFunds: 'insufficient_funds',
};
const approved = new Set(['tok_visa', 'tok_mastercard', 'tok_processingError']);
/** `tok_processingError` fails this many times per idempotency key, then succeeds. */
const transientFailures = 2;

type LedgerRow = Pick<ProcessorLedgerTable, 'reference' | 'outcome' | 'decline_code'>;

const ledgerAnswer = ['idempotency_key', 'reference', 'outcome', 'decline_code'] as const;

/**
 * The built-in processor: a card network in a table. Its ledger is the processor's side of the
 * books, so tests can count real charges; a unique idempotency key makes a repeated call answer
 * with the first result instead of charging again. Calls made together are written together.
 */
export class SimulatedCardProcessor implements PaymentProcessor {
  constructor(
    private readonly db: Kysely<PaymentsDb>,
    private readonly clock: Clock,
  ) {}

  async charge({ idempotencyKey, amount, token }: ChargeRequest): Promise<ChargeResult> {
    if (token === 'tok_processingError' && (await this.countAttempt(idempotencyKey)) <= transientFailures) {
      throw new TransientProcessorError('The card network did not answer (simulated processing error).');
    }
    const code = approved.has(token) ? null : (declines[token] ?? 'invalid_token');
    const row = await this.record({
      idempotency_key: idempotencyKey,
      kind: 'charge',
      reference: `ch_${randomBytes(12).toString('hex')}`,
      amount: amount.amount,
      currency: amount.currency,
      token,
      charge_id: null,
      outcome: code ? 'declined' : 'succeeded',
      decline_code: code,
      created_at: this.clock.now(),
    });
    return row.outcome === 'succeeded'
      ? { status: 'succeeded', chargeId: row.reference }
      : { status: 'declined', code: row.decline_code ?? 'card_declined' };
  }

  async refund({ idempotencyKey, chargeId, amount }: RefundRequest): Promise<RefundResult> {
    const row = await this.record({
      idempotency_key: idempotencyKey,
      kind: 'refund',
      reference: `re_${randomBytes(12).toString('hex')}`,
      amount: amount.amount,
      currency: amount.currency,
      token: null,
      charge_id: chargeId,
      outcome: 'succeeded',
      decline_code: null,
      created_at: this.clock.now(),
    });
    return { refundId: row.reference };
  }

  /** Ledger entries asked for in the same tick: the worker calls for a whole round of payments at once. */
  private pending: { entry: Insertable<ProcessorLedgerTable>; settle: (row: Promise<LedgerRow>) => void }[] = [];

  /** Inserts the entry, or answers with the one the key already has; entries of one tick share a statement. */
  private record(entry: Insertable<ProcessorLedgerTable>): Promise<LedgerRow> {
    return new Promise((resolve) => {
      if (this.pending.push({ entry, settle: resolve }) === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0);
    const rows = this.write(batch.map((b) => b.entry));
    for (const { entry, settle } of batch) {
      settle(
        rows.then(
          (byKey) =>
            byKey.get(entry.idempotency_key) ??
            Promise.reject(new Error(`ledger entry ${entry.idempotency_key} not found`)),
        ),
      );
    }
  }

  private async write(entries: Insertable<ProcessorLedgerTable>[]): Promise<Map<string, LedgerRow>> {
    const inserted = await this.db
      .insertInto('processor_ledger')
      .values(entries)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning([...ledgerAnswer])
      .execute();
    const byKey = new Map<string, LedgerRow>(inserted.map(({ idempotency_key, ...row }) => [idempotency_key, row]));
    const known = entries.map((e) => e.idempotency_key).filter((key) => !byKey.has(key));
    if (known.length > 0) {
      const existing = await this.db
        .selectFrom('processor_ledger')
        .select([...ledgerAnswer])
        .where('idempotency_key', '=', sql<string>`any(${known}::text[])`)
        .execute();
      for (const { idempotency_key, ...row } of existing) byKey.set(idempotency_key, row);
    }
    return byKey;
  }

  private async countAttempt(idempotencyKey: string): Promise<number> {
    const { attempts } = await this.db
      .insertInto('processor_attempts')
      .values({ idempotency_key: idempotencyKey, attempts: 1 })
      .onConflict((oc) =>
        oc.column('idempotency_key').doUpdateSet((eb) => ({ attempts: eb('processor_attempts.attempts', '+', 1) })),
      )
      .returning('attempts')
      .executeTakeFirstOrThrow();
    return attempts;
  }
}
