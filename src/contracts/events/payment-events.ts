import { Type, type Static } from 'typebox';
import type { EventEnvelope, NewEvent } from './envelope.js';
import { Money } from '../money.js';

/** Facts about payments, published by the payments service. */
const PaymentRef = { paymentId: Type.String(), orderId: Type.String(), userId: Type.String(), amount: Money };

export const paymentSucceededType = 'payment.succeeded';
export const PaymentSucceededData = Type.Object(
  { ...PaymentRef, attempts: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export type PaymentSucceededData = Static<typeof PaymentSucceededData>;
export type PaymentSucceeded = EventEnvelope<typeof paymentSucceededType, PaymentSucceededData>;

export const paymentFailedType = 'payment.failed';
export const PaymentFailedData = Type.Object(
  {
    ...PaymentRef,
    attempts: Type.Integer({ minimum: 1 }),
    reason: Type.String({ description: 'Processor decline code, e.g. card_declined.' }),
  },
  { additionalProperties: false },
);
export type PaymentFailedData = Static<typeof PaymentFailedData>;
export type PaymentFailed = EventEnvelope<typeof paymentFailedType, PaymentFailedData>;

export const paymentRefundedType = 'payment.refunded';
export const PaymentRefundedData = Type.Object(PaymentRef, { additionalProperties: false });
export type PaymentRefundedData = Static<typeof PaymentRefundedData>;
export type PaymentRefunded = EventEnvelope<typeof paymentRefundedType, PaymentRefundedData>;

export const paymentSucceeded = (
  data: PaymentSucceededData,
): NewEvent<typeof paymentSucceededType, PaymentSucceededData> => ({ type: paymentSucceededType, data });
export const paymentFailed = (data: PaymentFailedData): NewEvent<typeof paymentFailedType, PaymentFailedData> => ({
  type: paymentFailedType,
  data,
});
export const paymentRefunded = (
  data: PaymentRefundedData,
): NewEvent<typeof paymentRefundedType, PaymentRefundedData> => ({ type: paymentRefundedType, data });
