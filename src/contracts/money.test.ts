import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.js';

describe('money', () => {
  it('formats minor units exactly with the currency’s own digits', () => {
    expect(formatMoney({ amount: 1999, currency: 'USD' })).toBe('$19.99');
    expect(formatMoney({ amount: 5, currency: 'USD' })).toBe('$0.05');
    expect(formatMoney({ amount: 123456789012, currency: 'USD' })).toBe('$1,234,567,890.12');
    expect(formatMoney({ amount: 1500, currency: 'JPY' })).toBe('¥1,500');
    expect(formatMoney({ amount: 1234, currency: 'EUR' }, 'de-DE')).toBe('12,34\u00a0€');
    expect(formatMoney({ amount: 1000, currency: 'KWD' })).toBe('KWD\u00a01.000');
  });
});
