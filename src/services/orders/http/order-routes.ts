import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { cancelOrder } from '../domain/cancel-order.js';
import { getOrder } from '../domain/get-order.js';
import { listOwnOrders } from '../domain/list-orders.js';
import {
  noStore,
  OptionalIdempotencyHeaders,
  traceparentOf,
  userIdOf,
  type OrdersHttpDeps,
} from './orders-http-deps.js';
import {
  noStoreHeaders,
  OrderSchema,
  OrderListQuery,
  OrderPage,
  OrderParams,
  orderTag,
  userSecurity,
} from './order-schemas.js';

/** The signed-in user's own orders. */
export function registerOrderRoutes(app: HttpApp, deps: OrdersHttpDeps): void {
  registerListOrders(app, deps);
  registerGetOrder(app, deps);
  registerCancelOrder(app, deps);
}

function registerListOrders(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  app.get(
    '/orders',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: [orderTag],
        summary: 'List your orders',
        description: 'Newest first, with keyset pagination: cursors stay valid while orders are placed.',
        security: userSecurity,
        querystring: OrderListQuery,
        response: {
          200: { ...OrderPage, description: 'A page of your orders.', headers: noStoreHeaders },
          ...problems(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return listOwnOrders(ctx, userIdOf(request), { limit: request.query.limit ?? 20, cursor: request.query.cursor });
    },
  );
}

function registerGetOrder(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  app.get(
    '/orders/:id',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: [orderTag],
        summary: 'Get one of your orders',
        security: userSecurity,
        params: OrderParams,
        response: {
          200: { ...OrderSchema, description: 'The order.', headers: noStoreHeaders },
          ...problems(401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return getOrder(ctx, { orderId: request.params.id, userId: userIdOf(request) });
    },
  );
}

function registerCancelOrder(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  app.post(
    '/orders/:id/cancel',
    {
      onRequest: auth.requireUser,
      schema: {
        tags: [orderTag],
        summary: 'Cancel one of your orders',
        description:
          'Allowed while the order waits for its payment or is confirmed: its stock is released and a captured payment refunded. ' +
          '409 order_not_cancellable once shipped or cancelled.',
        security: userSecurity,
        params: OrderParams,
        headers: OptionalIdempotencyHeaders,
        response: {
          200: { ...OrderSchema, description: 'The cancelled order.', headers: noStoreHeaders },
          ...problems(400, 401, 404, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return cancelOrder(ctx, {
        orderId: request.params.id,
        userId: userIdOf(request),
        traceparent: traceparentOf(request),
      });
    },
  );
}
