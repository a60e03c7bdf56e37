import type { Shortage } from '../../../contracts/api/inventory.js';
import { formatMoney, type Money } from '../../../contracts/money.js';
import { AppError } from '../../../platform/http/errors.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import {
  answerFor,
  jsonAnswer,
  problemAnswer,
  type IdempotencyKey,
  type KeptAnswer,
} from '../../../platform/http/idempotency.js';
import { findRecordedAnswer, idempotencyRecordInsert } from '../data/idempotency-repository.js';
import { maxOrderTotal } from './order.js';
import type { OrdersContext } from './orders-context.js';
import type { OrderView } from './order-view.js';

/**
 * What checkout answers, as it is kept with the Idempotency-Key and replayed: a retry with the same
 * key sees what the first attempt saw, even after the cart or stock changed (as Stripe does).
 */

/** Personal answers: nothing on the way may keep them. */
const noStore = { 'cache-control': 'no-store' };

export const accepted = (order: OrderView): KeptAnswer =>
  jsonAnswer(202, { order }, { ...noStore, location: `/api/v1/orders/${order.id}` });

/** A refusal's problem answer; `url` is the request's, which the problem names as its instance. */
export const refusal = (error: AppError, url: string): KeptAnswer => problemAnswer(error, url, noStore);

export const cartEmpty = (): AppError =>
  new AppError('cart_empty', 'The cart is empty: add products before checking out.');

export const insufficientStock = (shortages: Shortage[]): AppError =>
  new AppError('insufficient_stock', 'Some lines cannot be reserved in the quantity asked; nothing was reserved.', {
    shortages,
  });

export function totalTooLarge(total: Money): AppError {
  const maximum = { amount: maxOrderTotal, currency: total.currency };
  return new AppError(
    'order_total_too_large',
    `The order would come to ${formatMoney(total)}, more than the ${formatMoney(maximum)} one order can be; nothing was reserved. ` +
      'Take some units out of the cart and check out with a new Idempotency-Key.',
    { total, maximum },
  );
}

export const checkoutInProgress = (): AppError =>
  new AppError(
    'checkout_in_progress',
    'Another checkout of this cart is running or has just placed its order: see your orders, or check out what you add next.',
  );

/** A request whose answer is kept under its user's Idempotency-Key. */
export interface KeyedRequest {
  userId: string;
  /** Held by this request (platform/http/idempotency.ts); its answer is recorded under it. */
  idempotency: IdempotencyKey;
  /** The request's URL, which refusals name as their problem's instance. */
  url: string;
}

/** The answer to send; `replayed` when it is an earlier request's with this key. */
export interface CheckoutAnswer {
  answer: KeptAnswer;
  replayed: boolean;
}

/** Keeps a refusal with the key (one small commit), so that a retry is answered the same way. */
export async function refuse(ctx: OrdersContext, input: KeyedRequest, error: AppError): Promise<CheckoutAnswer> {
  ctx.metrics.business.inc({ event: `checkout_${error.code}` });
  const answer = refusal(error, input.url);
  try {
    await idempotencyRecordInsert(ctx.db, {
      userId: input.userId,
      ...input.idempotency,
      orderId: null,
      answer,
      createdAt: ctx.clock.now(),
    }).execute();
  } catch (err) {
    if (isUniqueViolation(err)) return recordedAnswerOr(ctx, input, err);
    throw err;
  }
  return { answer, replayed: false };
}

/**
 * The answer recorded for this key by an earlier attempt that the key-value store forgot (or
 * whose process died), or `failure` when there is none. 422 when it answered another request.
 */
export async function recordedAnswerOr(
  ctx: OrdersContext,
  input: KeyedRequest,
  failure: unknown,
): Promise<CheckoutAnswer> {
  const recorded = await findRecordedAnswer(ctx.db, input.userId, input.idempotency.key);
  if (!recorded) throw failure;
  return { answer: answerFor(recorded, input.idempotency.fingerprint), replayed: true };
}
