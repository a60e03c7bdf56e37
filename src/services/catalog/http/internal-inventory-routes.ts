import { Type } from 'typebox';
import {
  OrderIds,
  ReservationOutcome,
  Reserved,
  ReserveRequest,
  UnmatchedQuery,
} from '../../../contracts/api/inventory.js';
import type { InventoryApi } from '../../../contracts/api/inventory.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { AppError } from '../../../platform/http/errors.js';
import { problems } from '../../../platform/http/problem-schema.js';

const OrderParams = Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 64 }) });

/** The InventoryApi over HTTP, for an orders service running in another process. */
export function registerInternalInventoryRoutes(app: HttpApp, inventory: InventoryApi): void {
  app.post(
    '/inventory/reservations',
    { schema: { body: ReserveRequest, response: { 200: Reserved, ...problems(400, 409) } } },
    async (request) => {
      const result = await inventory.reserve(request.body.orderId, request.body.lines);
      if (!result.ok) {
        throw new AppError('insufficient_stock', 'Not every line can be reserved; nothing was.', {
          shortages: result.shortages,
        });
      }
      return result;
    },
  );

  app.post(
    '/inventory/reservations/:orderId/commit',
    { schema: { params: OrderParams, response: { 200: ReservationOutcome, ...problems(400) } } },
    async (request) => inventory.commit(request.params.orderId),
  );

  app.post(
    '/inventory/reservations/:orderId/release',
    { schema: { params: OrderParams, response: { 200: ReservationOutcome, ...problems(400) } } },
    async (request) => inventory.release(request.params.orderId),
  );

  app.get(
    '/inventory/reservations/unmatched',
    { schema: { querystring: UnmatchedQuery, response: { 200: OrderIds, ...problems(400) } } },
    async (request) => ({ orderIds: await inventory.unmatched(request.query.heldForMs) }),
  );

  app.post(
    '/inventory/reservations/matched',
    { schema: { body: OrderIds, response: { 204: Type.Null(), ...problems(400) } } },
    async (request, reply) => {
      await inventory.match(request.body.orderIds);
      return reply.code(204).send(null);
    },
  );
}
