import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { AddCartItemRequest, Cart, CartItemParams, SetCartItemRequest } from '../../../contracts/api/cart-api.js';
import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { addItem } from '../domain/add-item.js';
import type { CartContext } from '../domain/cart-context.js';
import { clearCart } from '../domain/clear-cart.js';
import { getCart } from '../domain/get-cart.js';
import { removeItem } from '../domain/remove-item.js';
import { setItemQuantity } from '../domain/set-item-quantity.js';

const tags = ['Cart'];
const security = [{ bearerAuth: [] }];
const noStoreHeaders = { 'Cache-Control': Type.String({ description: 'no-store: a personal resource.' }) };
const theCart = (description: string) => ({ ...Cart, description, headers: noStoreHeaders });
const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'no-store');
const userOf = (request: { principal?: { userId: string } | null }) => (request.principal as { userId: string }).userId;

/** The signed-in user's own cart; nobody can name another user's. */
export function registerCartRoutes(app: HttpApp, ctx: CartContext, auth: AuthGuards): void {
  app.get(
    '/cart',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Your cart',
        description: 'At current catalog prices; an empty cart when you have none.',
        response: { 200: theCart('The cart.'), ...problems(401, 429, 502) },
      },
    },
    async (request, reply) => noStore(reply).send(await getCart(ctx, userOf(request))),
  );

  app.delete(
    '/cart',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Empty your cart',
        response: { 204: Type.Null({ description: 'The cart is empty.' }), ...problems(401, 429) },
      },
    },
    async (request, reply) => {
      await clearCart(ctx, userOf(request));
      return noStore(reply).code(204).send();
    },
  );
}

/** The lines of the signed-in user's own cart, by product. */
export function registerCartItemRoutes(app: HttpApp, ctx: CartContext, auth: AuthGuards): void {
  app.post(
    '/cart/items',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Add a product to your cart',
        description:
          "Adds quantity to the product's line (a new line when there is none). 404 product_not_found for a product that is unknown or archived; " +
          '400 validation_failed when the line would exceed 99 units or the cart 100 lines.',
        body: AddCartItemRequest,
        response: {
          200: theCart('The cart after the change.'),
          ...problems(400, 401, 404, 409, 413, 415, 422, 429, 502),
        },
      },
    },
    async (request, reply) => noStore(reply).send(await addItem(ctx, userOf(request), request.body)),
  );

  app.put(
    '/cart/items/:productId',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Set the quantity of a line',
        description:
          'Sets the line to quantity; 0 removes it. A product not in the cart yet is added (404 product_not_found unless it is on sale).',
        params: CartItemParams,
        body: SetCartItemRequest,
        response: { 200: theCart('The cart after the change.'), ...problems(400, 401, 404, 413, 415, 429, 502) },
      },
    },
    async (request, reply) =>
      noStore(reply).send(await setItemQuantity(ctx, userOf(request), request.params.productId, request.body.quantity)),
  );

  app.delete(
    '/cart/items/:productId',
    {
      onRequest: auth.requireUser,
      schema: {
        tags,
        security,
        summary: 'Remove a line',
        description: '404 not_found when the cart has no line for the product.',
        params: CartItemParams,
        response: { 200: theCart('The cart after the change.'), ...problems(401, 404, 429, 502) },
      },
    },
    async (request, reply) => noStore(reply).send(await removeItem(ctx, userOf(request), request.params.productId)),
  );
}
