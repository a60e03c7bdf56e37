import { type Kysely, type Selectable, type Updateable } from 'kysely';
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

export type NewPayment = Pick<Row, 'id' | 'order_id' | 'user_id' | 'amount' | 'currency' | 'token' | 'status' | 'next_attempt_at' | 'created_at'>;

/** Inserts the payment unless its order already has one; true when inserted. */
export async function insertPayment(db: Kysely<PaymentsDb>, payment: NewPayment): Promise<boolean> {
  const inserted = await db
    .insertInto('payments')
    .values({ ...payment, attempts: 0, refund_attempts: 0, updated_at: payment.created_at })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findByOrderForUpdate(trx: Kysely<PaymentsDb>, orderId: string): Promise<Payment | undefined> {
  const row = await trx.selectFrom('payments').selectAll().where('order_id', '=', orderId).forUpdate().executeTakeFirst();
  return row && toPayment(row);
}

export async function lockByIds(trx: Kysely<PaymentsDb>, ids: string[]): Promise<Payment[]> {
  if (ids.length === 0) return [];
  const rows = await trx.selectFrom('payments').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
  return rows.map(toPayment);
}

/**
 * Leases up to `limit` payments that need the processor now (a charge or a refund), skipping rows
 * other instances hold. One statement: the lease is taken and committed before any call goes out.
 */
export async function claimDuePayments(db: Kysely<PaymentsDb>, now: Date, leaseMs: number, limit: number): Promise<Payment[]> {
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

/** Writes a decision; the lease ends with it. */
export async function applyChange(trx: Kysely<PaymentsDb>, id: string, change: PaymentChange, now: Date, release = true): Promise<void> {
  const { set } = change;
  const values: Updateable<PaymentsTable> = {
    ...(set.status !== undefined && { status: set.status }),
    ...(set.attempts !== undefined && { attempts: set.attempts }),
    ...(set.refundAttempts !== undefined && { refund_attempts: set.refundAttempts }),
    ...(set.chargeId !== undefined && { charge_id: set.chargeId }),
    ...(set.refundId !== undefined && { refund_id: set.refundId }),
    ...(set.failureReason !== undefined && { failure_reason: set.failureReason }),
    ...(set.nextAttemptAt !== undefined && { next_attempt_at: set.nextAttemptAt }),
    ...(release && { claimed_until: null }),
  };
  if (Object.keys(values).length === 0) return;
  await trx.updateTable('payments').set({ ...values, updated_at: now }).where('id', '=', id).execute();
}
