import { isStorableText, isStorableTime } from '../../../platform/db/column-limits.js';
import { invalidCursor } from '../../../platform/http/errors.js';

/** Where a page of orders ended: its last order's creation time and id, as base64url JSON. */
export interface OrderKeyset {
  createdAt: Date;
  id: string;
}

export const encodeOrderCursor = (last: OrderKeyset): string =>
  Buffer.from(JSON.stringify({ t: last.createdAt.toISOString(), i: last.id })).toString('base64url');

export function decodeOrderCursor(cursor: string): OrderKeyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const { t, i } = (decoded ?? {}) as { t?: unknown; i?: unknown };
  if (
    typeof t !== 'string' ||
    !isStorableTime(t) ||
    typeof i !== 'string' ||
    i.length === 0 ||
    i.length > 64 ||
    !isStorableText(i)
  ) {
    throw invalidCursor('The cursor is damaged. Use nextCursor from the previous page as it was sent.');
  }
  return { createdAt: new Date(t), id: i };
}
