import type { Kysely } from 'kysely';
import type { OrderCancelledData } from '../../../contracts/events/order-events.js';
import { applyChange, findByOrderForUpdate, insertPayment } from '../data/payment-repository.js';
import type { PaymentsDb } from '../data/payments-db.js';
import { cancelPayment } from './payment.js';
import { newPaymentId } from './ids.js';

/**
 * An order was cancelled. Whatever the order thought the payment was, the payment's own status
 * decides: a charge that went through (even one that raced the cancellation) is refunded by the
 * worker; a charge not yet made never will be. A cancellation that arrives before its
 * `order.placed` leaves a cancelled payment behind, so the late placement charges nothing.
 */
export async function cancelOrderPayment(trx: Kysely<PaymentsDb>, order: OrderCancelledData, now: Date): Promise<void> {
  const payment = await findByOrderForUpdate(trx, order.orderId);
  if (!payment) {
    await insertPayment(trx, {
      id: newPaymentId(now),
      order_id: order.orderId,
      user_id: order.userId,
      amount: order.total.amount,
      currency: order.total.currency,
      token: '',
      status: 'cancelled',
      next_attempt_at: now,
      created_at: now,
    });
    return;
  }
  // The lease stays: a worker charging this payment right now records its answer against the new status.
  await applyChange(trx, payment.id, cancelPayment(payment, now), now, false);
}
