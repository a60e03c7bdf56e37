import { AppError } from '../../../platform/http/errors.js';
import type { Keyset } from '../data/product-search.js';
import type { ProductSort } from './product.js';

/**
 * A cursor is the last row's sort key and id under the sort it was made for, base64url JSON.
 * Clients treat it as opaque; the server refuses one that is damaged or made for another sort.
 */
export function encodeCursor(sort: ProductSort, key: string | number, id: string): string {
  return Buffer.from(JSON.stringify({ s: sort, k: key, i: id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: ProductSort): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  }
  const { s, k, i } = (decoded ?? {}) as { s?: unknown; k?: unknown; i?: unknown };
  if (typeof s !== 'string' || typeof i !== 'string' || i.length === 0 || i.length > 64 || !validKey(s, k)) {
    throw invalid('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  }
  if (s !== sort) {
    throw invalid(`The cursor belongs to a list sorted by ${s}, not ${sort}. Keep the sort (and filters) of the first page.`);
  }
  return { key: k as string | number, id: i };
}

function validKey(sort: string, key: unknown): boolean {
  switch (sort) {
    case 'newest':
      return typeof key === 'string' && !Number.isNaN(Date.parse(key));
    case 'price_asc':
    case 'price_desc':
      return Number.isSafeInteger(key);
    case 'relevance':
      return typeof key === 'number' && Number.isFinite(key);
    default:
      return false;
  }
}

const invalid = (detail: string) => new AppError('invalid_cursor', detail);
