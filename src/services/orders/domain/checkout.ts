import type { CartLineRef } from '../../../contracts/api/cart-api.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import { AppError } from '../../../platform/http/errors.js';
import { acquireLease } from '../../../platform/kv/lease.js';
import { idempotencyRecordInsert } from '../data/idempotency-repository.js';
import { cartVersionKey, orderInsert } from '../data/order-repository.js';
import {
  accepted,
  cartEmpty,
  checkoutInProgress,
  insufficientStock,
  recordedAnswerOr,
  refuse,
  totalTooLarge,
  type CheckoutAnswer,
  type KeyedRequest,
} from './checkout-answers.js';
import { newOrderId } from './order-ids.js';
import { toOrderView } from './order-view.js';
import { maxOrderTotal, Order, type ShippingAddress } from './order.js';
import type { OrdersContext } from './orders-context.js';

/**
 * How long the user's checkout lock outlives its last renewal: renewed while the checkout runs,
 * however slow, it blocks the user's next checkouts for at most this long after its process died.
 */
export const checkoutLockTtlMs = 5_000;

/**
 * How long after asking the catalog for its reservation a checkout may still write its order.
 * Past it, the reservation goes back and nothing is ordered: the reconciliation may take a
 * reservation without an order for abandoned soon after (release-abandoned-reservations.ts).
 */
export const orderDeadlineMs = 15_000;

export interface CheckoutInput extends KeyedRequest {
  request: { shippingAddress: ShippingAddress; payment: { token: string } };
  traceparent: string | null;
}

/**
 * `POST /checkout`, the saga's first step: read the cart, reserve its stock under a new order id at
 * the catalog's prices, then in ONE transaction record the answer with the key, the order and
 * `order.placed`. Payment runs later. Every answer, refusals included, is recorded with the key.
 *
 * One checkout per user at a time (a lock in the key-value store every instance shares): a second
 * checkout of the cart (a double click, another tab) gets 409 checkout_in_progress at once instead
 * of reserving again. Only the quick answer: an order records the cart version it was placed from,
 * unique per user, so a lock that expired or was lost never lets one cart be ordered twice. And the
 * key of the answer's record is the last guard against a second order for one Idempotency-Key.
 */
export async function checkout(ctx: OrdersContext, input: CheckoutInput): Promise<CheckoutAnswer> {
  const warn = (err: unknown) => ctx.logger.warn({ err }, 'renewing or releasing a checkout lock failed; it expires');
  const lock = await acquireLease(ctx.kv, `orders:checkout-lock:${input.userId}`, checkoutLockTtlMs, warn);
  // A retry of a checkout whose process died holding the lock gets that checkout's answer.
  if (!lock) return recordedAnswerOr(ctx, input, checkoutInProgress());
  let cartTaken = true;
  try {
    const cart = await ctx.carts.linesOf(input.userId);
    if (cart.items.length === 0) return await refuse(ctx, input, cartEmpty());
    // Refused before reserving, so that the refusal writes nothing but its answer.
    if (cart.subtotal.amount > maxOrderTotal) return await refuse(ctx, input, totalTooLarge(cart.subtotal));

    const asked = ctx.clock.now();
    const orderId = newOrderId(asked);
    const reservation = await ctx.inventory.reserve(orderId, cart.items);
    if (!reservation.ok) return await refuse(ctx, input, insufficientStock(reservation.shortages));

    const at = ctx.clock.now();
    // Nothing is awaited between here and the order's write.
    if (at.getTime() - asked.getTime() > orderDeadlineMs) {
      await releaseReservation(ctx, orderId);
      throw new AppError(
        'bad_gateway',
        'The catalog took too long to reserve the stock; nothing was ordered. Try again.',
      );
    }
    const { shippingAddress, payment } = input.request;
    const { order, events } = Order.place({
      id: orderId,
      userId: input.userId,
      lines: reservation.lines,
      shippingAddress,
      paymentToken: payment.token,
      at,
    });
    // The reserved prices are the ones charged: one raised since the cart was read gives the stock back.
    if (order.total.amount > maxOrderTotal) {
      await releaseReservation(ctx, orderId);
      return await refuse(ctx, input, totalTooLarge(order.total));
    }

    const answer = accepted(toOrderView(order.snapshot));
    try {
      const record = { userId: input.userId, ...input.idempotency, orderId, answer, createdAt: at };
      await ctx.outbox.insertWith(
        [(qc) => idempotencyRecordInsert(qc, record), (qc) => orderInsert(qc, order, cart.version)],
        events,
        { traceparent: input.traceparent },
      );
    } catch (err) {
      // Any other failure may have come after the commit (a connection lost): the reconciliation
      // finds out whether the order exists before it gives the stock back.
      if (!isUniqueViolation(err)) throw err;
      await releaseReservation(ctx, orderId);
      // Another checkout placed its order from this very cart read: this one read the cart before
      // that order's lines came out, or that checkout outlived its lock.
      return await recordedAnswerOr(ctx, input, isUniqueViolation(err, cartVersionKey) ? checkoutInProgress() : err);
    }
    ctx.metrics.business.inc({ event: 'order_placed' });
    cartTaken = await takeOrderFromCart(ctx, orderId, input.userId, cart.items);
    return { answer, replayed: false };
  } finally {
    // Lines left in the cart stay locked until the lock expires: time for order.placed to take them out.
    if (cartTaken) await lock.end();
    else lock.leave();
  }
}

/** Compensation for `inventory.reserve`: the stock of an order that was not written goes back. */
async function releaseReservation(ctx: OrdersContext, orderId: string): Promise<void> {
  await ctx.inventory.release(orderId).catch((err: unknown) => {
    ctx.logger.warn(
      { err, orderId },
      'releasing the reservation of an order not placed failed; the reconciliation will',
    );
  });
}

/**
 * The answer says the cart is emptied, so it is, before answering: a line added right after
 * checkout must never be ordered twice. `order.placed` does the same if this call fails. True
 * when the lines are out.
 */
async function takeOrderFromCart(
  ctx: OrdersContext,
  orderId: string,
  userId: string,
  items: CartLineRef[],
): Promise<boolean> {
  return ctx.carts.takeOrder({ orderId, userId, items }).then(
    () => true,
    (err: unknown) => {
      ctx.logger.warn({ err, orderId }, 'emptying the cart after checkout failed; order.placed will do it');
      return false;
    },
  );
}
