import { randomBytes } from 'node:crypto';

/**
 * `ord_` and a UUIDv7 layout without dashes (48-bit millisecond time, then randomness): ids sort
 * by creation time, which keeps the primary key index append-mostly, and reveal nothing guessable.
 */
export function newOrderId(now: Date): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now.getTime(), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return `ord_${bytes.toString('hex')}`;
}
