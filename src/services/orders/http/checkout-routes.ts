import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { AppError } from '../../../platform/http/errors.js';
import { heldKeyOf, sendRecordedAnswer, type AnswerStore } from '../../../platform/http/idempotency.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { findRecordedAnswer } from '../data/idempotency-repository.js';
import { checkout } from '../domain/checkout.js';
import { traceparentOf, userIdOf, type OrdersHttpDeps } from './orders-http-deps.js';
import { noStoreHeaders, OrderSchema, orderTag, ShippingAddress, userSecurity } from './order-schemas.js';

const CheckoutHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description:
      'Required. A unique key per checkout attempt (a UUID, say), 1 to 255 visible ASCII characters, kept 24 hours.',
  }),
});

const CheckoutBody = Type.Object(
  {
    shippingAddress: ShippingAddress,
    payment: Type.Object(
      {
        token: Type.String({
          minLength: 1,
          maxLength: 255,
          description: 'Card token of the payment processor.',
          example: 'tok_visa',
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const CheckoutAccepted = Type.Object(
  { order: OrderSchema },
  { additionalProperties: false, title: 'CheckoutAccepted' },
);

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Codes Intl knows that are not countries of ISO 3166-1. */
const notCountries = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO']);

function requireCountry(country: string): void {
  if (notCountries.has(country) || regions.of(country) === undefined) {
    throw new AppError('validation_failed', '/shippingAddress/country is not an ISO 3166-1 alpha-2 country code', {
      errors: [{ path: '/shippingAddress/country', message: 'is not an ISO 3166-1 alpha-2 country code' }],
    });
  }
}

export function registerCheckoutRoutes(app: HttpApp, { ctx, auth }: OrdersHttpDeps): void {
  // Checkout records its answers with the order, in its own database (domain/checkout.ts).
  const answers: AnswerStore = { find: (request, key) => findRecordedAnswer(ctx.db, userIdOf(request), key) };
  app.post(
    '/checkout',
    {
      onRequest: auth.requireUser,
      config: { idempotency: { required: true, recordedBy: answers } },
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
            headers: {
              ...noStoreHeaders,
              'Idempotent-Replayed': Type.Optional(
                Type.String({ description: 'true when this is the stored answer of an earlier request.' }),
              ),
            },
          },
          ...problems(400, 401, 409, 413, 415, 422, 429, 502),
          409: {
            ...problems(409)[409],
            description:
              'insufficient_stock (with the lines short), checkout_in_progress (another checkout of this cart) or idempotency_request_in_progress.',
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
        idempotency: heldKeyOf(request),
        request: request.body,
        traceparent: traceparentOf(request),
        url: request.url,
      });
      return sendRecordedAnswer(request, reply, answer);
    },
  );
}
