import { int4Max, isStorableText, isStorableTime, realLimits } from '../../../platform/db/column-limits.js';
import { invalidCursor } from '../../../platform/http/errors.js';
import type { Keyset } from '../data/product-search.js';
import type { ProductSort } from './product.js';

/**
 * A cursor is the last row's sort key and id under the sort it was made for, base64url JSON.
 * Clients treat it as opaque; the server refuses one that is damaged, made for another sort, or
 * whose key its column could not hold (a crafted cursor must not reach SQL).
 */
export function encodeCursor(sort: ProductSort, key: string | number, id: string): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key, i: id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: ProductSort): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  }
  const { s, k, i } = (decoded ?? {}) as { s?: unknown; k?: unknown; i?: unknown };
  if (
    typeof s !== 'string' ||
    typeof i !== 'string' ||
    i.length === 0 ||
    i.length > 64 ||
    !isStorableText(i) ||
    !validKey(s, k)
  ) {
    throw invalidCursor('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  }
  if (s !== sort) {
    throw invalidCursor(
      `The cursor belongs to a list sorted by ${s}, not ${sort}. Keep the sort (and filters) of the first page.`,
    );
  }
  return { key: k as string | number, id: i };
}

function validKey(sort: string, key: unknown): boolean {
  switch (sort) {
    case 'newest':
      return typeof key === 'string' && isStorableTime(key);
    case 'price_asc':
    case 'price_desc':
      return typeof key === 'number' && Number.isInteger(key) && key >= 0 && key <= int4Max;
    case 'relevance':
      // ts_rank is a non-negative real.
      return typeof key === 'number' && (key === 0 || (key >= realLimits.minNormal && key <= realLimits.max));
    default:
      return false;
  }
}
