import type { Kysely } from 'kysely';
import type { OrderPlacedData } from '../../../contracts/events/order-events.js';
import { insertPayments } from '../data/payment-repository.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { newPaymentId } from './ids.js';

/**
 * Orders were placed: a pending payment is due now for each, all written in one statement of the
 * caller's transaction. The charges themselves happen later, in the worker, never while a
 * transaction is open. An order already cancelled (its cancellation overtook it) keeps its
 * cancelled payment.
 */
export async function startPayments(trx: Kysely<PaymentsDb>, orders: OrderPlacedData[], now: Date): Promise<void> {
  await insertPayments(
    trx,
    orders.map((order) => ({
      id: newPaymentId(now),
      order_id: order.orderId,
      user_id: order.userId,
      amount: order.total.amount,
      currency: order.total.currency,
      token: order.payment.token,
      status: 'pending' as const,
      next_attempt_at: now,
      created_at: now,
    })),
  );
}
