import { randomBytes } from 'node:crypto';

/**
 * UUIDv7 layout (48-bit millisecond time, then randomness) without dashes: ids sort by creation
 * time, which keeps the primary key index append-mostly, and still reveal nothing guessable.
 */
function timeOrderedHex(now: Date): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now.getTime(), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return bytes.toString('hex');
}

export const newUserId = (now: Date): string => `usr_${timeOrderedHex(now)}`;

/** No dots: a refresh token is `<sessionId>.<secret>`. */
export const newSessionId = (): string => `ses_${randomBytes(16).toString('base64url')}`;

export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Shown once to the operator; 16 base64url characters carry 96 bits. */
export const newGeneratedPassword = (): string => randomBytes(12).toString('base64url');
