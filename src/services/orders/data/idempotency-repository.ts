import type { Kysely } from 'kysely';
import type { OrdersDb } from './orders-db.js';

export interface IdempotencyRecord<Outcome> {
  userId: string;
  key: string;
  fingerprint: string;
  orderId: string | null;
  outcome: Outcome;
  createdAt: Date;
}

export async function findIdempotencyRecord<Outcome>(db: Kysely<OrdersDb>, userId: string, key: string): Promise<IdempotencyRecord<Outcome> | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      key: row.key,
      fingerprint: row.fingerprint,
      orderId: row.order_id,
      outcome: row.outcome as Outcome,
      createdAt: row.created_at,
    }
  );
}

const rowOf = <Outcome>(record: IdempotencyRecord<Outcome>) => ({
  user_id: record.userId,
  key: record.key,
  fingerprint: record.fingerprint,
  order_id: record.orderId,
  outcome: record.outcome,
  created_at: record.createdAt,
});

/** Fails with a unique violation of `idempotency_keys_pk` when the key is already taken. */
export async function insertIdempotencyRecord<Outcome>(db: Kysely<OrdersDb>, record: IdempotencyRecord<Outcome>): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({ ...rowOf(record), outcome: JSON.stringify(record.outcome) })
    .execute();
}

export async function deleteIdempotencyRecordsBefore(db: Kysely<OrdersDb>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
