import { cartLimits } from '../../../contracts/api/cart-api.js';
import { AppError } from '../../../platform/http/errors.js';

/** Most units of one product in one cart line. */
export const maxLineQuantity = cartLimits.lineQuantity;
/** Most lines in one cart. */
export const maxCartLines = cartLimits.lines;

export interface StoredLine {
  productId: string;
  quantity: number;
}

/** The cart as kept in the key-value store: lines in the order they were first added. */
export interface StoredCart {
  lines: StoredLine[];
  updatedAt: string | null;
  /** The newest orders taken out of this cart, in id order, so taking one out twice changes nothing. */
  takenOrders?: string[];
}

/** How many taken order ids a cart remembers; the oldest are forgotten first. */
const rememberedOrders = 20;

export const emptyCart = (): StoredCart => ({ lines: [], updatedAt: null });

const tooMany = (productId: string, quantity: number): AppError =>
  new AppError(
    'validation_failed',
    `A cart line holds at most ${maxLineQuantity} units; this would make it ${quantity}.`,
    {
      errors: [{ path: '/quantity', message: `would bring the line to ${quantity}, above ${maxLineQuantity}` }],
      productId,
      maxQuantity: maxLineQuantity,
    },
  );

/**
 * Pure rules of one cart: each returns the next cart or throws. `gone` are products the catalog
 * no longer sells: their lines are dropped on every write.
 */
export function addToLine(
  cart: StoredCart,
  productId: string,
  quantity: number,
  now: Date,
  gone: Set<string> = new Set(),
): StoredCart {
  const current = cart.lines.find((l) => l.productId === productId)?.quantity ?? 0;
  if (current + quantity > maxLineQuantity) throw tooMany(productId, current + quantity);
  return setLine(cart, productId, current + quantity, now, gone);
}

/** Sets a line's quantity; 0 removes it. A product not in the cart yet gets a new line. */
export function setLine(
  cart: StoredCart,
  productId: string,
  quantity: number,
  now: Date,
  gone: Set<string> = new Set(),
): StoredCart {
  if (quantity > maxLineQuantity) throw tooMany(productId, quantity);
  const at = now.toISOString();
  const kept = cart.lines.filter((l) => !gone.has(l.productId) || l.productId === productId);
  const exists = kept.some((l) => l.productId === productId);
  const lines =
    quantity === 0
      ? kept.filter((l) => l.productId !== productId)
      : exists
        ? kept.map((l) => (l.productId === productId ? { productId, quantity } : l))
        : [...kept, { productId, quantity }];
  if (lines.length > maxCartLines) {
    throw new AppError(
      'validation_failed',
      `A cart holds at most ${maxCartLines} different products; remove one first.`,
      {
        errors: [{ path: '/productId', message: `would be line ${lines.length}, above ${maxCartLines}` }],
        maxLines: maxCartLines,
      },
    );
  }
  return { ...cart, lines, updatedAt: at };
}

/**
 * The cart once an order took its lines: the ordered quantities come out, whatever the customer
 * added since (to the same products too) stays. Null when this order was already taken out.
 * Order ids sort by time: one older than every order a full memory holds was taken out by its
 * checkout before those, and its `order.placed` arriving that late must not take out lines added since.
 */
export function afterOrderPlaced(
  cart: StoredCart,
  orderId: string,
  ordered: readonly { productId: string; quantity: number }[],
  now: Date,
): StoredCart | null {
  const remembered = cart.takenOrders ?? [];
  if (remembered.includes(orderId)) return null;
  if (remembered.length >= rememberedOrders && orderId < (remembered[0] ?? '')) return null;
  const taken = new Map(ordered.map((l) => [l.productId, l.quantity]));
  const lines = cart.lines.flatMap((l) => {
    const left = l.quantity - (taken.get(l.productId) ?? 0);
    return left > 0 ? [{ ...l, quantity: left }] : [];
  });
  return { lines, updatedAt: now.toISOString(), takenOrders: [...remembered, orderId].sort().slice(-rememberedOrders) };
}
