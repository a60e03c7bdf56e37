import type { Kysely } from 'kysely';
import type { CartLines } from '../../../contracts/api/cart-api.js';
import type { Money } from '../../../contracts/money.js';
import { AppError } from '../../../platform/http/errors.js';
import { insertIdempotencyRecord, type IdempotencyRecord } from '../data/idempotency-repository.js';
import { cartVersionKey, insertOrder } from '../data/order-repository.js';
import type { OrdersDb } from '../data/orders-db.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import { checkoutInProgress, lockCheckout } from './checkout-lock.js';
import type { CheckoutAnswer, CheckoutOutcome, CheckoutRequest } from './checkout-outcome.js';
import { newOrderId } from './order-ids.js';
import { toOrderView } from './order-view.js';
import { maxOrderTotal, Order } from './order.js';
import type { OrdersContext } from './orders-context.js';
import { storedCheckout } from './stored-checkout.js';

/**
 * How long after asking the catalog for its reservation a checkout may still write its order.
 * Past it, the reservation goes back and nothing is ordered: the reconciliation may take a
 * reservation without an order for abandoned soon after (release-abandoned-reservations.ts).
 */
export const orderDeadlineMs = 15_000;

export interface PlaceOrderInput {
  userId: string;
  request: CheckoutRequest;
  idempotency: { key: string; fingerprint: string };
  traceparent?: string | null;
  /** The cart, when already being read. */
  cart?: Promise<CartLines>;
  /** Called once the answer is recorded with the key, to run beside the steps that follow. */
  afterRecorded?: (() => Promise<void>) | undefined;
}

/**
 * The checkout saga's first step, holding the user's checkout lock: read the cart, reserve its
 * stock under a new order id at the catalog's prices, then in ONE transaction write the
 * idempotency record, the order and `order.placed`. Payment runs later. A cart too large for one
 * order is refused before reserving; a reservation whose order is refused all the same (a price
 * raised meanwhile), could not be written or came too late to write (`orderDeadlineMs`) is
 * released at once; should that fail too, the reconciliation releases it.
 */
export async function placeOrder(ctx: OrdersContext, input: PlaceOrderInput): Promise<CheckoutAnswer> {
  const lock = await lockCheckout(ctx, input.userId);
  // A retry of a checkout whose process died holding the lock gets that checkout's answer.
  if (!lock) return (await storedCheckout(ctx, input.userId, input.idempotency)) ?? Promise.reject(checkoutInProgress());
  let cartTaken = true;
  try {
    const cart = await (input.cart ?? ctx.carts.linesOf(input.userId));
    if (cart.items.length === 0) return await refuse(ctx, input, { result: 'cart_empty' });
    // Refused before reserving, so that the refusal writes nothing but its answer.
    if (cart.subtotal.amount > maxOrderTotal) return await refuse(ctx, input, tooLarge(cart.subtotal));

    const asked = ctx.clock.now();
    const orderId = newOrderId(asked);
    const reservation = await ctx.inventory.reserve(orderId, cart.items);
    if (!reservation.ok) return await refuse(ctx, input, { result: 'insufficient_stock', shortages: reservation.shortages });

    const at = ctx.clock.now();
    // Nothing is awaited between here and the order's write.
    if (at.getTime() - asked.getTime() > orderDeadlineMs) {
      await releaseReservation(ctx, orderId);
      throw new AppError('bad_gateway', 'The catalog took too long to reserve the stock; nothing was ordered. Try again.');
    }
    const { order, events } = Order.place({
      id: orderId,
      userId: input.userId,
      lines: reservation.lines,
      shippingAddress: input.request.shippingAddress,
      paymentToken: input.request.payment.token,
      at,
    });
    // The reserved prices are the ones charged: one raised since the cart was read gives the stock back.
    if (order.total.amount > maxOrderTotal) {
      await releaseReservation(ctx, orderId);
      return await refuse(ctx, input, tooLarge(order.total));
    }
    const outcome: CheckoutOutcome = { result: 'placed', order: toOrderView(order.snapshot) };
    try {
      const record = recordOf(input, outcome, orderId, at);
      await ctx.outbox.transaction(async (trx, emit) => {
        await insertIdempotencyRecord(trx, record);
        await insertOrder(trx, order, cart.version);
        await emit(events, { traceparent: input.traceparent ?? null });
      });
    } catch (err) {
      // Any other failure may have come after the commit (a connection lost): the reconciliation
      // finds out whether the order exists before it gives the stock back.
      if (!isUniqueViolation(err)) throw err;
      await releaseReservation(ctx, orderId);
      const stored = await storedCheckout(ctx, input.userId, input.idempotency);
      if (stored) return stored;
      // Another checkout placed its order from this very cart read: this one read the cart before that
      // order's lines came out, or that checkout outlived its lock.
      if (isUniqueViolation(err, cartVersionKey)) throw checkoutInProgress();
      throw err;
    }
    ctx.metrics.business.inc({ event: 'order_placed' });
    [cartTaken] = await Promise.all([takeOrderFromCart(ctx, orderId, input.userId, cart.items), input.afterRecorded?.()]);
    return { outcome, replayed: false };
  } finally {
    // Lines left in the cart stay locked until the lock expires: time for order.placed to take them out.
    if (cartTaken) await lock.release();
    else lock.leave();
  }
}

const tooLarge = (total: Money): CheckoutOutcome => ({ result: 'order_total_too_large', total, maximum: { amount: maxOrderTotal, currency: total.currency } });

/** Compensation for `inventory.reserve`, next to it: the stock of an order that was not written goes back. */
async function releaseReservation(ctx: OrdersContext, orderId: string): Promise<void> {
  await ctx.inventory.release(orderId).catch((err: unknown) => {
    ctx.logger.warn({ err, orderId }, 'releasing the reservation of an order not placed failed; the reconciliation will');
  });
}

/**
 * The answer says the cart is emptied, so it is, before answering: a line added right after
 * checkout must never be ordered twice. `order.placed` does the same if this call fails. True
 * when the lines are out.
 */
async function takeOrderFromCart(ctx: OrdersContext, orderId: string, userId: string, items: { productId: string; quantity: number }[]): Promise<boolean> {
  return ctx.carts.takeOrder({ orderId, userId, items }).then(
    () => true,
    (err: unknown) => {
      ctx.logger.warn({ err, orderId }, 'emptying the cart after checkout failed; order.placed will do it');
      return false;
    },
  );
}

/** Keeps a refusal with the key (one small commit), so that a retry is answered the same way. */
async function refuse(ctx: OrdersContext, input: PlaceOrderInput, outcome: CheckoutOutcome): Promise<CheckoutAnswer> {
  ctx.metrics.business.inc({ event: `checkout_${outcome.result}` });
  try {
    await remember(ctx.db, input, outcome, null, ctx.clock.now());
  } catch (err) {
    if (isUniqueViolation(err)) return (await storedCheckout(ctx, input.userId, input.idempotency)) ?? Promise.reject(err);
    throw err;
  }
  return { outcome, replayed: false };
}

const recordOf = (input: PlaceOrderInput, outcome: CheckoutOutcome, orderId: string | null, at: Date): IdempotencyRecord<CheckoutOutcome> => ({
  userId: input.userId,
  key: input.idempotency.key,
  fingerprint: input.idempotency.fingerprint,
  orderId,
  outcome,
  createdAt: at,
});

const remember = (db: Kysely<OrdersDb>, input: PlaceOrderInput, outcome: CheckoutOutcome, orderId: string | null, at: Date) =>
  insertIdempotencyRecord(db, recordOf(input, outcome, orderId, at));
