import type { Kysely, QueryCreator } from 'kysely';
import type { KeptAnswer, RecordedAnswer } from '../../../platform/http/idempotency.js';
import type { OrdersDb } from './orders-db.js';

/** A checkout's answer, kept with its user's Idempotency-Key. */
export interface IdempotencyRecord {
  userId: string;
  key: string;
  fingerprint: string;
  /** The order placed; null for a refusal. */
  orderId: string | null;
  answer: KeptAnswer;
  createdAt: Date;
}

export async function findRecordedAnswer(
  db: Kysely<OrdersDb>,
  userId: string,
  key: string,
): Promise<RecordedAnswer | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'answer'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * The insert of the record, to run alone or with other writes (`Outbox.insertWith`). Fails with a
 * unique violation of `idempotency_keys_pk` when the key is already taken.
 */
export function idempotencyRecordInsert(qc: QueryCreator<OrdersDb>, record: IdempotencyRecord) {
  return qc.insertInto('idempotency_keys').values({
    user_id: record.userId,
    key: record.key,
    fingerprint: record.fingerprint,
    order_id: record.orderId,
    answer: JSON.stringify(record.answer),
    created_at: record.createdAt,
  });
}

export async function deleteIdempotencyRecordsBefore(db: Kysely<OrdersDb>, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
