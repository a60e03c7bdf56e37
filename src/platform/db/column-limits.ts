/**
 * What PostgreSQL columns can hold. A value outside these limits is a client's mistake, so the
 * edge refuses it as invalid input: sent on to SQL it would fail there and come back as a 500.
 */

/** Largest `integer` (int4). */
export const int4Max = 2_147_483_647;

/** Largest finite `real` (float4), and its smallest normal magnitude (below it PostgreSQL may refuse the text as out of range). */
export const realLimits = { max: 3.4028234663852886e38, minNormal: 1.1754943508222875e-38 } as const;

// `text` cannot hold NUL; a lone UTF-16 surrogate has no UTF-8 form (it would be stored mangled, and
// `jsonb` refuses it outright). With the `u` flag a well-formed pair reads as one code point, not as \p{Cs}.
const unstorable = /[\u0000\p{Cs}]/u;

export const isStorableText = (text: string): boolean => !unstorable.test(text);

// timestamptz spans 4713 BC to 294276 AD and JavaScript dates ±275760 years; the API exchanges
// RFC 3339 times, whose years have four digits.
const earliest = Date.parse('0001-01-01T00:00:00.000Z');
const latest = Date.parse('9999-12-31T23:59:59.999Z');

/** Whether an RFC 3339 time string names an instant a `timestamptz` column holds. */
export function isStorableTime(text: string): boolean {
  const ms = Date.parse(text);
  return ms >= earliest && ms <= latest;
}
