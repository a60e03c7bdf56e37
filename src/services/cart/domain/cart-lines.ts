import { createHash } from 'node:crypto';
import type { CartLines } from '../../../contracts/api/cart-api.js';
import type { CartContext } from './cart-context.js';
import type { StoredCart } from './cart.js';
import { viewOf } from './cart-view.js';

/** The lines the user sees, for checkout: products no longer sold are left out as in the cart view. */
export async function cartLines(ctx: CartContext, userId: string): Promise<CartLines> {
  const stored = await ctx.store.read(userId);
  const cart = await viewOf(ctx, stored);
  return {
    items: cart.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
    version: versionOf(stored),
    subtotal: cart.subtotal,
  };
}

/**
 * A hash of the whole stored cart. Every change stamps `updatedAt`, and taking an order out adds
 * it to `takenOrders`, so a cart ordered once never shows that version again.
 */
const versionOf = (cart: StoredCart): string => createHash('sha256').update(JSON.stringify(cart)).digest('base64url');
