import { Type } from 'typebox';
import { CartLinesResponse, TakeOrderRequest, type CartApi } from '../../../contracts/api/cart-api.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';

/** The CartApi over HTTP, for an orders service running in another process. */
export function registerInternalCartRoutes(app: HttpApp, carts: CartApi): void {
  app.get(
    '/carts/:userId/lines',
    {
      schema: {
        params: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: CartLinesResponse, ...problems(400, 502) },
      },
    },
    async (request) => carts.linesOf(request.params.userId),
  );
  app.post(
    '/carts/:userId/orders/:orderId',
    {
      schema: {
        params: Type.Object({
          userId: Type.String({ minLength: 1, maxLength: 64 }),
          orderId: Type.String({ minLength: 1, maxLength: 64 }),
        }),
        body: TakeOrderRequest,
        response: { 204: Type.Null(), ...problems(400, 502) },
      },
    },
    async (request, reply) => {
      await carts.takeOrder({
        orderId: request.params.orderId,
        userId: request.params.userId,
        items: request.body.items,
      });
      return reply.code(204).send(null);
    },
  );
}
