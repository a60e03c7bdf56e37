import { Type, type Static } from 'typebox';
import { Money } from '../money.js';

/**
 * What other services may ask of the cart service (in process, or over its internal HTTP routes
 * under `/internal/carts/{userId}`). Orders reads a user's cart at checkout and takes the order's
 * lines out of it once placed; prices there are informative only.
 */
export interface CartLineRef {
  productId: string;
  quantity: number;
}

export interface CartApi {
  /**
   * The user's cart lines as the user sees them (products the catalog no longer sells are left
   * out), empty when there is no cart, the version of the cart they were read from, and their
   * subtotal at the catalog's current prices (which a reservation may still see change).
   */
  linesOf(userId: string): Promise<CartLines>;
  /**
   * Takes a placed order's quantities out of the user's cart; what was added since stays. Doing
   * it again for the same order changes nothing (`order.placed` does it too, in case this failed).
   */
  takeOrder(order: PlacedOrderLines): Promise<void>;
}

export interface PlacedOrderLines {
  orderId: string;
  userId: string;
  items: CartLineRef[];
}

/** Most units of one product in one cart line, and most lines in one cart. */
export const cartLimits = { lineQuantity: 99, lines: 100 } as const;

const ProductId = Type.String({ minLength: 1, maxLength: 64, example: 'prod_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b' });

export const CartLineRefSchema = Type.Object(
  { productId: Type.String(), quantity: Type.Integer({ minimum: 1, maximum: cartLimits.lineQuantity }) },
  { additionalProperties: false },
);

/** Body of `GET /internal/carts/{userId}/lines`. */
export const CartLinesResponse = Type.Object(
  {
    items: Type.Array(CartLineRefSchema),
    version: Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'The same for every read of the cart until it changes: an order records it, so that one cart read is never ordered twice.',
    }),
    subtotal: Money,
  },
  { additionalProperties: false },
);
export type CartLines = Static<typeof CartLinesResponse>;

/** Body of `POST /internal/carts/{userId}/orders/{orderId}`: the order's lines to take out. */
export const TakeOrderRequest = Type.Object(
  { items: Type.Array(CartLineRefSchema, { maxItems: cartLimits.lines }) },
  { additionalProperties: false },
);

export const CartItem = Type.Object(
  {
    productId: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    unitPrice: {
      ...Money,
      description: "The product's current catalog price; the price charged is fixed at checkout.",
    },
    quantity: Type.Integer({ minimum: 1, maximum: cartLimits.lineQuantity }),
    lineTotal: { ...Money, description: 'unitPrice × quantity.' },
  },
  { additionalProperties: false, title: 'CartItem' },
);
export type CartItem = Static<typeof CartItem>;

export const Cart = Type.Object(
  {
    items: Type.Array(CartItem, {
      description:
        'Lines in the order they were added. Products the catalog no longer sells (archived) are not shown and are dropped at the next change.',
    }),
    subtotal: { ...Money, description: 'Sum of the line totals at current prices.' },
    itemCount: Type.Integer({ minimum: 0, description: 'Units in the cart (the sum of the quantities).' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'Last change of the cart; null when there is no cart. A cart expires 30 days after its last change.',
    }),
  },
  { additionalProperties: false, title: 'Cart' },
);
export type Cart = Static<typeof Cart>;

export const AddCartItemRequest = Type.Object(
  {
    productId: ProductId,
    quantity: Type.Integer({
      minimum: 1,
      maximum: cartLimits.lineQuantity,
      description: `Units to add to the line. The line may hold at most ${cartLimits.lineQuantity} units.`,
    }),
  },
  { additionalProperties: false },
);
export type AddCartItemRequest = Static<typeof AddCartItemRequest>;

export const SetCartItemRequest = Type.Object(
  {
    quantity: Type.Integer({
      minimum: 0,
      maximum: cartLimits.lineQuantity,
      description: "The line's new quantity; 0 removes the line.",
    }),
  },
  { additionalProperties: false },
);
export type SetCartItemRequest = Static<typeof SetCartItemRequest>;

export const CartItemParams = Type.Object({ productId: ProductId });
