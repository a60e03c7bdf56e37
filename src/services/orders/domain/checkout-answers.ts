import type { Shortage } from '../../../contracts/api/inventory.js';
import { formatMoney, type Money } from '../../../contracts/money.js';
import { AppError } from '../../../platform/http/errors.js';
import { jsonAnswer, problemAnswer, type KeptAnswer } from '../../../platform/http/idempotency.js';
import { maxOrderTotal } from './order.js';
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
