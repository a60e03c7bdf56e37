import { Type, type Static } from 'typebox';
import type { EventEnvelope, NewEvent } from './envelope.js';

/** A customer account was created through sign-up. Published by identity. */
export const userRegisteredType = 'user.registered';

export const UserRegisteredData = Type.Object(
  {
    userId: Type.String(),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
  },
  { additionalProperties: false },
);
export type UserRegisteredData = Static<typeof UserRegisteredData>;

export type UserRegistered = EventEnvelope<typeof userRegisteredType, UserRegisteredData>;

export const userRegistered = (data: UserRegisteredData): NewEvent<typeof userRegisteredType, UserRegisteredData> => ({
  type: userRegisteredType,
  data,
});
