import { Type, type Static } from 'typebox';

/**
 * Money everywhere: integer minor units and an ISO 4217 code. No floating point. A value, shared
 * rather than copied: readonly (a TypeScript modifier only, the schema is unchanged).
 */
export const Money = Type.Object(
  {
    amount: Type.Readonly(
      Type.Integer({ minimum: 0, description: 'Integer minor units (cents for USD).', example: 1999 }),
    ),
    currency: Type.Readonly(Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.', example: 'USD' })),
  },
  { additionalProperties: false, title: 'Money' },
);
export type Money = Static<typeof Money>;

// Building a NumberFormat (or asking one for its options) costs far more than formatting with
// one: keep one per locale and currency, with its number of fraction digits.
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();
function numberFormat(locale: string, currency: string): { format: Intl.NumberFormat; digits: number } {
  const key = `${locale} ${currency}`;
  let entry = formats.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formats.set(key, (entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 }));
  }
  return entry;
}

/**
 * Money in words for people: integer minor units formatted with the currency's own digits, from
 * an exact decimal string (never through a floating-point division).
 */
export function formatMoney({ amount, currency }: Money, locale = 'en-US'): string {
  const { format, digits } = numberFormat(locale, currency);
  const sign = amount < 0 ? '-' : '';
  const units = String(Math.abs(amount)).padStart(digits + 1, '0');
  const decimal = digits > 0 ? `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}` : `${sign}${units}`;
  // Intl accepts decimal strings and formats them exactly (ECMA-402 NumberFormat v3).
  return format.format(decimal as unknown as number);
}
