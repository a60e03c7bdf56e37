import { expect } from 'vitest';

/** An amount of money in minor units, as the API writes it. */
export const usd = (amount: number) => ({ amount, currency: 'USD' });

/** Any timestamp as the API writes it: ISO 8601 in UTC, to the millisecond. */
export const isoTime = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

/** A shipping address the API accepts. */
export const address = {
  name: 'Ada Lovelace',
  line1: '12 St James’s Square',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
};
