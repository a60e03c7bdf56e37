import { randomBytes } from 'node:crypto';

/** UUIDv7 layout without dashes: ids sort by creation time and reveal nothing guessable. */
export function newPaymentId(now: Date): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now.getTime(), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return `pay_${bytes.toString('hex')}`;
}
