import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { listAllOrders } from '../domain/list-orders.js';
import { shipOrder } from '../domain/ship-order.js';
import { noStore, OptionalIdempotencyHeaders, traceparentOf, type OrdersHttpDeps } from './orders-http-deps.js';
import {
  AdminOrder,
  AdminOrderListQuery,
  AdminOrderPage,
  adminOrderTag,
  noStoreHeaders,
  OrderParams,
  userSecurity,
} from './order-schemas.js';

const ShipBody = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', example: 'DHL' }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', example: 'JD014600006281230704' }),
  },
  { additionalProperties: false },
);

export function registerAdminOrderRoutes(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  app.get(
    '/admin/orders',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [adminOrderTag],
        summary: 'List all orders',
        description: 'Newest first, optionally only one status, with keyset pagination.',
        security: userSecurity,
        querystring: AdminOrderListQuery,
        response: {
          200: { ...AdminOrderPage, description: 'A page of orders.', headers: noStoreHeaders },
          ...problems(400, 401, 403, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      const { limit, cursor, status } = request.query;
      return listAllOrders(ctx, { limit: limit ?? 20, cursor, status });
    },
  );

  app.post(
    '/admin/orders/:id/ship',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [adminOrderTag],
        summary: 'Ship a confirmed order',
        description:
          'Records the carrier and tracking number; the customer is emailed. 409 order_not_shippable unless the order is confirmed.',
        security: userSecurity,
        params: OrderParams,
        headers: OptionalIdempotencyHeaders,
        body: ShipBody,
        response: {
          200: { ...AdminOrder, description: 'The shipped order.', headers: noStoreHeaders },
          ...problems(400, 401, 403, 404, 409, 413, 415, 422, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return shipOrder(ctx, {
        orderId: request.params.id,
        shipment: request.body,
        traceparent: traceparentOf(request),
      });
    },
  );
}
