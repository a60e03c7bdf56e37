import { Value } from 'typebox/value';
import { OrderPlacedData, orderPlacedType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import type { CartContext } from '../domain/cart-context.js';
import { emptyOrderedCart } from '../domain/empty-ordered-cart.js';

/**
 * Checkout took the cart's lines: take them out. The cart lives in the key-value store, not in
 * the transaction: the inbox absorbs redeliveries, and the cart remembers the orders it gave.
 */
export function onOrderPlaced(ctx: CartContext): Subscription {
  return {
    event: orderPlacedType,
    async handle(event) {
      if (!Value.Check(OrderPlacedData, event.data)) throw new Error(`${event.type} ${event.id} has malformed data`);
      await emptyOrderedCart(ctx, event.data);
    },
  };
}
