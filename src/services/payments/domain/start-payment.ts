import type { Kysely } from 'kysely';
import type { OrderPlacedData } from '../../../contracts/events/order-events.js';
import { insertPayment } from '../data/payment-repository.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { newPaymentId } from './ids.js';

/**
 * An order was placed: a pending payment is due now. Written in the caller's transaction; the
 * charge itself happens later, in the worker, never while a transaction is open.
 * An order already cancelled (its cancellation overtook it) keeps its cancelled payment.
 */
export async function startPayment(trx: Kysely<PaymentsDb>, order: OrderPlacedData, now: Date): Promise<void> {
  await insertPayment(trx, {
    id: newPaymentId(now),
    order_id: order.orderId,
    user_id: order.userId,
    amount: order.total.amount,
    currency: order.total.currency,
    token: order.payment.token,
    status: 'pending',
    next_attempt_at: now,
    created_at: now,
  });
}
