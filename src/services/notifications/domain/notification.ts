import { randomBytes } from 'node:crypto';

/** UUIDv7 layout without dashes: ids sort by creation time, which orders a user's list. */
export function newNotificationId(now: Date): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now.getTime(), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return `ntf_${bytes.toString('hex')}`;
}

export interface DeliveryPolicy {
  /** Wait before the first retry; doubles with every attempt, up to `maxDelayMs`. */
  baseMs: number;
  maxDelayMs: number;
  /** Attempts before the notification is marked failed (and stays listed as such). */
  maxAttempts: number;
}

/** After a send that did not go through: try again later, or give up after many attempts. */
export function afterFailedSend(
  attempts: number,
  now: Date,
  policy: DeliveryPolicy,
): { status: 'pending' | 'failed'; attempts: number; nextAttemptAt: Date } {
  const made = attempts + 1;
  const wait = Math.min(policy.baseMs * 2 ** Math.min(made - 1, 30), policy.maxDelayMs);
  return {
    status: made >= policy.maxAttempts ? 'failed' : 'pending',
    attempts: made,
    nextAttemptAt: new Date(now.getTime() + wait),
  };
}

/**
 * The Message-ID of a notification's email: the same on every attempt, so a resend after a crash
 * between sending and recording is recognisable as the same message by mail systems.
 */
export function messageIdFor(notificationId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'emporium.localhost';
  return `${notificationId}@${domain}`;
}
