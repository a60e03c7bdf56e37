import { Type, type Static } from 'typebox';

/** Money everywhere: integer minor units and an ISO 4217 code. No floating point. */
export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, description: 'Integer minor units (cents for USD).', example: 1999 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.', example: 'USD' }),
  },
  { additionalProperties: false, title: 'Money' },
);
export type Money = Static<typeof Money>;
