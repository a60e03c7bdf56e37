import { Type } from 'typebox';
import { Money } from '../../../contracts/money.js';
import { OrderLine } from '../../../contracts/events/order-events.js';

export const orderTag = 'Orders';
export const adminOrderTag = 'Admin: orders';
export const userSecurity = [{ bearerAuth: [] }];

const Text = (maxLength: number, extra: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: '\\S', ...extra });

export const ShippingAddress = Type.Object(
  {
    name: Text(200, { example: 'Ada Lovelace' }),
    line1: Text(200, { example: '12 St James’s Square' }),
    line2: Type.Optional(Text(200)),
    city: Text(100, { example: 'London' }),
    postalCode: Text(20, { example: 'SW1Y 4JH' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code, upper case.', example: 'GB' }),
  },
  { additionalProperties: false, title: 'ShippingAddress' },
);

const OrderStatus = Type.Union([
  Type.Literal('pending_payment'),
  Type.Literal('confirmed'),
  Type.Literal('shipped'),
  Type.Literal('cancelled'),
]);

// Readonly arrays (a TypeScript modifier only): the views answered share them with the aggregate's state.
const orderProperties = {
  id: Type.String({ example: 'ord_019a6f3c2b7e7c41a9d2e5f8b3c4d5e6' }),
  status: OrderStatus,
  items: Type.Immutable(
    Type.Array(OrderLine, { description: 'Lines at the catalog prices of the moment of checkout.' }),
  ),
  total: Money,
  shippingAddress: ShippingAddress,
  payment: Type.Object(
    {
      status: Type.Union([
        Type.Literal('pending'),
        Type.Literal('succeeded'),
        Type.Literal('failed'),
        Type.Literal('refunded'),
      ]),
      attempts: Type.Integer({ minimum: 0, description: 'Charge attempts the payment took so far.' }),
    },
    { additionalProperties: false },
  ),
  cancellationReason: Type.Optional(
    Type.Union([Type.Literal('payment_declined'), Type.Literal('payment_timeout'), Type.Literal('customer_request')], {
      description: 'Present once cancelled.',
    }),
  ),
  shipment: Type.Optional(
    Type.Object(
      { carrier: Type.String(), trackingNumber: Type.String() },
      { additionalProperties: false, description: 'Present once shipped.' },
    ),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  history: Type.Immutable(
    Type.Array(
      Type.Object({ status: OrderStatus, at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
      { description: 'Every status the order took, oldest first.' },
    ),
  ),
};

/** The order as the API shows it; `Order` is the aggregate (domain/order.ts). */
export const OrderSchema = Type.Object(orderProperties, { additionalProperties: false, title: 'Order' });
export const AdminOrder = Type.Object(
  { ...orderProperties, userId: Type.String({ description: 'The customer who placed it.' }) },
  { additionalProperties: false, title: 'AdminOrder' },
);

const nextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass as `cursor` for the next page; null on the last page.',
});
export const OrderPage = Type.Object(
  { items: Type.Array(OrderSchema), nextCursor },
  { additionalProperties: false, title: 'OrderPage' },
);
export const AdminOrderPage = Type.Object(
  { items: Type.Array(AdminOrder), nextCursor },
  { additionalProperties: false, title: 'AdminOrderPage' },
);

const pageProperties = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Orders per page.' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page.' })),
};
export const OrderListQuery = Type.Object(pageProperties, { additionalProperties: false });
export const AdminOrderListQuery = Type.Object(
  { ...pageProperties, status: Type.Optional({ ...OrderStatus, description: 'Only orders in this status.' }) },
  { additionalProperties: false },
);

export const OrderParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const noStoreHeaders = { 'Cache-Control': Type.String({ description: 'no-store: personal data.' }) };
