import { OrderPlacedData, orderPlacedType } from '../../../contracts/events/order-events.js';
import type { Subscription } from '../../../platform/messaging/consumer.js';
import { payloadOf } from '../../../platform/messaging/event-payload.js';
import type { CartContext } from '../domain/cart-context.js';
import { emptyOrderedCart } from '../domain/empty-ordered-cart.js';

/**
 * Checkout took the cart's lines: take them out. The cart lives in the key-value store, not in
 * the transaction: the inbox absorbs redeliveries, and the cart remembers the orders it gave.
 * A batch changes the carts of different users at once, each user's in the order placed: one
 * cart after the other could not keep up with a busy shop, and a cart reached late must not
 * lose lines its owner added since.
 */
export function onOrderPlaced(ctx: CartContext): Subscription {
  return {
    event: orderPlacedType,
    async handleBatch(events) {
      const byUser = new Map<string, OrderPlacedData[]>();
      for (const event of events) {
        const order = payloadOf(OrderPlacedData, event);
        byUser.set(order.userId, [...(byUser.get(order.userId) ?? []), order]);
      }
      await Promise.all(
        [...byUser.values()].map(async (orders) => {
          for (const order of orders) await emptyOrderedCart(ctx, order);
        }),
      );
    },
  };
}
