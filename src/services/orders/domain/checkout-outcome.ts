import type { Shortage } from '../../../contracts/api/inventory.js';
import type { Money } from '../../../contracts/money.js';
import type { ShippingAddress } from './order.js';
import type { OrderView } from './order-view.js';

export interface CheckoutRequest {
  shippingAddress: ShippingAddress;
  payment: { token: string };
}

/**
 * What a checkout came to. Each is kept with the Idempotency-Key and replayed as it was:
 * a retry with the same key sees what the first attempt saw, even after the cart or stock changed
 * (as Stripe does). A new attempt takes a new key.
 */
export type CheckoutOutcome =
  | { result: 'placed'; order: OrderView }
  | { result: 'cart_empty' }
  | { result: 'insufficient_stock'; shortages: Shortage[] }
  | { result: 'order_total_too_large'; total: Money; maximum: Money };

export interface CheckoutAnswer {
  outcome: CheckoutOutcome;
  /** True when the outcome is the stored answer of an earlier request with this key. */
  replayed: boolean;
}
