import type { CartContext } from './cart-context.js';
import { afterOrderPlaced } from './cart.js';

/**
 * An order took lines of the cart: their quantities come out. Lines added since stay, whenever
 * the event arrives, and taking the same order out twice changes nothing.
 */
export async function emptyOrderedCart(
  ctx: CartContext,
  order: { orderId: string; userId: string; items: readonly { productId: string; quantity: number }[] },
): Promise<void> {
  await ctx.store.update(order.userId, (cart) => afterOrderPlaced(cart, order.orderId, order.items, ctx.clock.now()));
}
