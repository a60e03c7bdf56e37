import { Type } from 'typebox';
import { CartLinesResponse, type CartReader } from '../../../contracts/api/cart-api.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';

/** The CartReader over HTTP, for an orders service running in another process. */
export function registerInternalCartRoutes(app: HttpApp, carts: CartReader): void {
  app.get(
    '/carts/:userId/lines',
    {
      schema: {
        params: Type.Object({ userId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: CartLinesResponse, ...problems(400, 502) },
      },
    },
    async (request) => ({ items: await carts.linesOf(request.params.userId) }),
  );
}
