import { randomUUID } from 'node:crypto';

/**
 * `ord_` and a UUIDv7 layout without dashes (48-bit millisecond time, then randomness): ids sort
 * by creation time, which keeps the primary key index append-mostly, and reveal nothing guessable.
 * The randomness is a UUIDv4's (its variant bits are v7's too), which Node draws from a pool of
 * entropy instead of asking the kernel for every order.
 */
export function newOrderId(now: Date): string {
  const random = randomUUID().replaceAll('-', '');
  return `ord_${now.getTime().toString(16).padStart(12, '0')}7${random.slice(13)}`;
}
