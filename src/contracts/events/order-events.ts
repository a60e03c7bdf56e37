import { Type, type Static } from 'typebox';
import type { EventEnvelope, NewEvent } from './envelope.js';
import { Money } from '../money.js';

/**
 * Facts about orders, published by the orders service. They carry the order's lines and total
 * because their consumers (payments, notifications) must not read the orders tables. The lines
 * are readonly (TypeScript modifiers only): a payload shares them with the order that raised it.
 */

export const OrderLine = Type.Object(
  {
    productId: Type.Readonly(Type.String()),
    sku: Type.Readonly(Type.String()),
    name: Type.Readonly(Type.String()),
    unitPrice: Type.Readonly(Money),
    quantity: Type.Readonly(Type.Integer({ minimum: 1 })),
    lineTotal: Type.Readonly(Money),
  },
  { additionalProperties: false },
);
export type OrderLine = Static<typeof OrderLine>;

const OrderSummary = {
  orderId: Type.String(),
  userId: Type.String(),
  items: Type.Immutable(Type.Array(OrderLine)),
  total: Money,
};

export const orderPlacedType = 'order.placed';
export const OrderPlacedData = Type.Object(
  { ...OrderSummary, payment: Type.Object({ token: Type.String() }, { additionalProperties: false }) },
  { additionalProperties: false },
);
export type OrderPlacedData = Static<typeof OrderPlacedData>;
export type OrderPlaced = EventEnvelope<typeof orderPlacedType, OrderPlacedData>;

export const orderConfirmedType = 'order.confirmed';
export const OrderConfirmedData = Type.Object(OrderSummary, { additionalProperties: false });
export type OrderConfirmedData = Static<typeof OrderConfirmedData>;

export const cancellationReasons = ['payment_declined', 'payment_timeout', 'customer_request'] as const;
export type CancellationReason = (typeof cancellationReasons)[number];

export const orderCancelledType = 'order.cancelled';
export const OrderCancelledData = Type.Object(
  {
    ...OrderSummary,
    reason: Type.Union([
      Type.Literal('payment_declined'),
      Type.Literal('payment_timeout'),
      Type.Literal('customer_request'),
    ]),
    /** The status the order left: a confirmed order was paid and is refunded. */
    previousStatus: Type.Union([Type.Literal('pending_payment'), Type.Literal('confirmed')]),
  },
  { additionalProperties: false },
);
export type OrderCancelledData = Static<typeof OrderCancelledData>;

export const orderShippedType = 'order.shipped';
export const OrderShippedData = Type.Object(
  { ...OrderSummary, carrier: Type.String(), trackingNumber: Type.String() },
  { additionalProperties: false },
);
export type OrderShippedData = Static<typeof OrderShippedData>;

export const orderPlaced = (data: OrderPlacedData): NewEvent<typeof orderPlacedType, OrderPlacedData> => ({
  type: orderPlacedType,
  data,
});
export const orderConfirmed = (data: OrderConfirmedData): NewEvent<typeof orderConfirmedType, OrderConfirmedData> => ({
  type: orderConfirmedType,
  data,
});
export const orderCancelled = (data: OrderCancelledData): NewEvent<typeof orderCancelledType, OrderCancelledData> => ({
  type: orderCancelledType,
  data,
});
export const orderShipped = (data: OrderShippedData): NewEvent<typeof orderShippedType, OrderShippedData> => ({
  type: orderShippedType,
  data,
});
