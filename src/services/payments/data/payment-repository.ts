import { sql, type Kysely, type Selectable } from 'kysely';
import { recordsetOfJson } from '../../../platform/db/json-recordset.js';
import type { Payment, PaymentChange } from '../domain/payment.js';
import type { PaymentsDb, PaymentsTable } from './payments-db.js';

type Row = Selectable<PaymentsTable>;

export const toPayment = (row: Row): Payment => ({
  id: row.id,
  orderId: row.order_id,
  userId: row.user_id,
  amount: { amount: row.amount, currency: row.currency },
  token: row.token,
  status: row.status,
  attempts: row.attempts,
  refundAttempts: row.refund_attempts,
  chargeId: row.charge_id,
});

export type NewPayment = Pick<
  Row,
  'id' | 'order_id' | 'user_id' | 'amount' | 'currency' | 'token' | 'status' | 'next_attempt_at' | 'created_at'
>;

/** Inserts the payment unless its order already has one; true when inserted. */
export async function insertPayment(db: Kysely<PaymentsDb>, payment: NewPayment): Promise<boolean> {
  return (await insertPayments(db, [payment])) > 0;
}

/**
 * Inserts each payment whose order has none yet, in one statement; how many were inserted. The
 * payments go in as one JSON parameter: one SQL text whatever their number.
 */
export async function insertPayments(db: Kysely<PaymentsDb>, payments: NewPayment[]): Promise<number> {
  if (payments.length === 0) return 0;
  const columns = {
    id: 'text',
    order_id: 'text',
    user_id: 'text',
    amount: 'integer',
    currency: 'text',
    token: 'text',
    status: 'text',
    next_attempt_at: 'timestamptz',
    created_at: 'timestamptz',
  } as const;
  const inserted = await db
    .insertInto('payments')
    .columns([...(Object.keys(columns) as (keyof typeof columns)[]), 'attempts', 'refund_attempts', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom(recordsetOfJson<NewPayment, 'p'>('p', columns, JSON.stringify(payments)))
        .select([
          'p.id',
          'p.order_id',
          'p.user_id',
          'p.amount',
          'p.currency',
          'p.token',
          'p.status',
          'p.next_attempt_at',
          'p.created_at',
          sql.lit(0).as('attempts'),
          sql.lit(0).as('refund_attempts'),
          'p.created_at as updated_at',
        ]),
    )
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('id')
    .execute();
  return inserted.length;
}

export async function findByOrderForUpdate(trx: Kysely<PaymentsDb>, orderId: string): Promise<Payment | undefined> {
  const row = await trx
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  return row && toPayment(row);
}

/** Loads and locks the payments for the rest of the transaction `trx`, in id order (as every locker does). */
export async function lockByIds(trx: Kysely<PaymentsDb>, ids: string[]): Promise<Payment[]> {
  if (ids.length === 0) return [];
  // One array parameter, so the statement's text is the same whatever the number of ids.
  const rows = await trx
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(toPayment);
}

/**
 * Leases up to `limit` payments that need the processor now (a charge or a refund), skipping rows
 * other instances hold. One statement: the lease is taken and committed before any call goes out.
 */
export async function claimDuePayments(
  db: Kysely<PaymentsDb>,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<Payment[]> {
  const rows = await db
    .updateTable('payments')
    .set({ claimed_until: new Date(now.getTime() + leaseMs) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('payments')
        .select('id')
        .where('status', 'in', ['pending', 'refund_pending'])
        .where('next_attempt_at', '<=', now)
        .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  return rows.map(toPayment);
}

/** Writes a decision; the lease ends with it unless `release` is false. */
export async function applyChange(
  trx: Kysely<PaymentsDb>,
  id: string,
  change: PaymentChange,
  now: Date,
  release = true,
): Promise<void> {
  if (!release && Object.values(change.set).every((v) => v === undefined)) return;
  await applyChanges(trx, [{ id, change }], now, release);
}

const decidedColumns = {
  id: 'text',
  status: 'text',
  attempts: 'integer',
  refund_attempts: 'integer',
  charge_id: 'text',
  refund_id: 'text',
  failure_reason: 'text',
  next_attempt_at: 'timestamptz',
} as const;

/**
 * Writes decisions (a worker round's) in one statement; every lease ends with it unless `release`
 * is false. A field a change leaves out keeps its value (decisions never clear one).
 */
export async function applyChanges(
  trx: Kysely<PaymentsDb>,
  changes: { id: string; change: PaymentChange }[],
  now: Date,
  release = true,
): Promise<void> {
  if (changes.length === 0) return;
  const rows = changes.map(({ id, change: { set } }) => ({
    id,
    status: set.status,
    attempts: set.attempts,
    refund_attempts: set.refundAttempts,
    charge_id: set.chargeId,
    refund_id: set.refundId,
    failure_reason: set.failureReason,
    next_attempt_at: set.nextAttemptAt,
  }));
  await trx
    .updateTable('payments')
    .from(
      recordsetOfJson<Pick<Row, keyof typeof decidedColumns>, 'decided'>(
        'decided',
        decidedColumns,
        JSON.stringify(rows),
      ),
    )
    .set((eb) => ({
      status: eb.fn.coalesce('decided.status', 'payments.status'),
      attempts: eb.fn.coalesce('decided.attempts', 'payments.attempts'),
      refund_attempts: eb.fn.coalesce('decided.refund_attempts', 'payments.refund_attempts'),
      charge_id: eb.fn.coalesce('decided.charge_id', 'payments.charge_id'),
      refund_id: eb.fn.coalesce('decided.refund_id', 'payments.refund_id'),
      failure_reason: eb.fn.coalesce('decided.failure_reason', 'payments.failure_reason'),
      next_attempt_at: eb.fn.coalesce('decided.next_attempt_at', 'payments.next_attempt_at'),
      ...(release && { claimed_until: null }),
      updated_at: now,
    }))
    .whereRef('payments.id', '=', sql.ref('decided.id'))
    .execute();
}
