/** An amount of money in minor units, as the API writes it. */
export const usd = (amount: number) => ({ amount, currency: 'USD' });
