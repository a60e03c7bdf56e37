import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import type { OrdersContext } from '../domain/orders-context.js';

export interface OrdersHttpDeps {
  ctx: OrdersContext;
  auth: AuthGuards;
}

/** The signed-in user; the route's guard has run. */
export const userIdOf = (request: FastifyRequest): string => {
  const userId = request.principal?.userId;
  if (!userId) throw new Error('route without an authentication guard');
  return userId;
};

export const traceparentOf = (request: FastifyRequest): string | null => {
  const value = request.headers.traceparent;
  return typeof value === 'string' ? value : null;
};

export const noStore = (reply: FastifyReply): FastifyReply => reply.header('Cache-Control', 'no-store');

export const OptionalIdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Makes a retry safe: the same key and body get the first answer again.',
    }),
  ),
});
