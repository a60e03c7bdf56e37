import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { AppError } from '../../../platform/http/errors.js';
import { formatMoney } from '../../../contracts/money.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { checkout } from '../domain/checkout.js';
import { noStore, traceparentOf, userIdOf, type OrdersHttpDeps } from './orders-http-deps.js';
import { noStoreHeaders, OrderSchema, orderTag, ShippingAddress, userSecurity } from './order-schemas.js';

const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Required. A unique key per checkout attempt (a UUID, say), 1 to 255 visible ASCII characters, kept 24 hours.',
  }),
});

const CheckoutBody = Type.Object(
  {
    shippingAddress: ShippingAddress,
    payment: Type.Object(
      { token: Type.String({ minLength: 1, maxLength: 255, description: 'Card token of the payment processor.', example: 'tok_visa' }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const CheckoutAccepted = Type.Object({ order: OrderSchema }, { additionalProperties: false, title: 'CheckoutAccepted' });

const keyPattern = /^[\x21-\x7e]{1,255}$/;
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Codes Intl knows that are not countries of ISO 3166-1. */
const notCountries = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO']);

async function requireIdempotencyKey(request: FastifyRequest): Promise<void> {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !keyPattern.test(key)) {
    throw new AppError('idempotency_key_invalid', 'Checkout needs an Idempotency-Key header of 1 to 255 visible ASCII characters, unique per checkout attempt.');
  }
}

function requireCountry(country: string): void {
  if (notCountries.has(country) || regions.of(country) === undefined) {
    throw new AppError('validation_failed', '/shippingAddress/country is not an ISO 3166-1 alpha-2 country code', {
      errors: [{ path: '/shippingAddress/country', message: 'is not an ISO 3166-1 alpha-2 country code' }],
    });
  }
}

export function registerCheckoutRoutes(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  app.post(
    '/checkout',
    {
      onRequest: auth.requireUser,
      preValidation: requireIdempotencyKey,
      config: { idempotency: 'own' },
      schema: {
        tags: [orderTag],
        summary: 'Place an order from the cart',
        description:
          'Reserves the stock of every cart line at the catalog’s prices (all or nothing) and places the order, ' +
          'which waits for its payment (`pending_payment`); the payment runs in the background and the cart is emptied. ' +
          'A retry with the same Idempotency-Key and body gets the first answer again (`Idempotent-Replayed: true`), ' +
          'refusals (422 cart_empty, 422 order_total_too_large, 409 insufficient_stock) included; the same key with another body gets 422 ' +
          'idempotency_key_reused, and one sent while the first request still runs gets 409 idempotency_request_in_progress. ' +
          'A cart is checked out once: a checkout with another key while one of the same user runs, or of a cart an order ' +
          'was just placed from, gets 409 checkout_in_progress (see the orders), and once its lines are out 422 cart_empty.',
        security: userSecurity,
        headers: CheckoutHeaders,
        body: CheckoutBody,
        response: {
          202: {
            ...CheckoutAccepted,
            description: 'Order placed, waiting for its payment.',
            headers: { ...noStoreHeaders, 'Idempotent-Replayed': Type.Optional(Type.String({ description: 'true when this is the stored answer of an earlier request.' })) },
          },
          ...problems(400, 401, 409, 413, 415, 422, 429, 502),
          409: {
            ...problems(409)[409],
            description: 'insufficient_stock (with the lines short), checkout_in_progress (another checkout of this cart) or idempotency_request_in_progress.',
          },
          422: {
            ...problems(422)[422],
            description:
              'cart_empty; order_total_too_large, when the cart at the catalog’s prices comes to more than one order can be ' +
              '(`total` and `maximum` given as Money; nothing was reserved); or idempotency_key_reused (this key was sent with another body).',
          },
        },
      },
    },
    async (request, reply) => {
      requireCountry(request.body.shippingAddress.country);
      const answer = await checkout(ctx, {
        userId: userIdOf(request),
        idempotencyKey: request.headers['idempotency-key'],
        request: request.body,
        traceparent: traceparentOf(request),
      });
      noStore(reply);
      if (answer.replayed) reply.header('Idempotent-Replayed', 'true');
      const { outcome } = answer;
      switch (outcome.result) {
        case 'placed':
          return reply.code(202).header('Location', `/api/v1/orders/${outcome.order.id}`).send({ order: outcome.order });
        case 'cart_empty':
          throw new AppError('cart_empty', 'The cart is empty: add products before checking out.');
        case 'insufficient_stock':
          throw new AppError('insufficient_stock', 'Some lines cannot be reserved in the quantity asked; nothing was reserved.', { shortages: outcome.shortages });
        case 'order_total_too_large':
          throw new AppError(
            'order_total_too_large',
            `The order would come to ${formatMoney(outcome.total)}, more than the ${formatMoney(outcome.maximum)} one order can be; nothing was reserved. ` +
              'Take some units out of the cart and check out with a new Idempotency-Key.',
            { total: outcome.total, maximum: outcome.maximum },
          );
      }
    },
  );
}
