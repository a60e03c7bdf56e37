import type { Clock } from '../../../platform/clock.js';
import type { KvStore } from '../../../platform/kv/kv-store.js';

/** What the store keeps per session: whose it is and the hash of its one valid refresh token. */
export interface RefreshRecord {
  userId: string;
  tokenHash: string;
}

const key = (sessionId: string) => `identity:refresh:${sessionId}`;
const successorKey = (sessionId: string, tokenHash: string) => `identity:refresh-successor:${sessionId}:${tokenHash}`;
const encode = (record: RefreshRecord) => `${record.userId} ${record.tokenHash}`;

/**
 * The current refresh token of every live session, by hash only (a stolen store dump signs no
 * one in). Rotation is a compare-and-set, so of two requests with the same token only one wins.
 * For a short grace after an exchange the store also keeps what the spent token was exchanged
 * for, sealed so that only the spent token opens it, with when it was: the grace is measured on
 * the service's clock (the store's expiry only clears it away).
 */
export function refreshTokenStore(kv: KvStore, ttlMs: number, graceMs: number, clock: Clock) {
  return {
    async save(sessionId: string, record: RefreshRecord): Promise<void> {
      await kv.set(key(sessionId), encode(record), { ttlMs });
    },

    async load(sessionId: string): Promise<RefreshRecord | null> {
      const value = await kv.get(key(sessionId));
      const [userId, tokenHash] = value?.split(' ') ?? [];
      return userId && tokenHash ? { userId, tokenHash } : null;
    },

    /** Replaces `current` with `next` unless someone else already did; also restarts the idle ttl. */
    rotate(sessionId: string, current: RefreshRecord, next: RefreshRecord): Promise<boolean> {
      return kv.compareAndSet(key(sessionId), encode(current), encode(next), ttlMs);
    },

    /** Records the successor of a token for the grace; false when another request did first. */
    claimSuccessor(sessionId: string, tokenHash: string, sealed: string): Promise<boolean> {
      const value = `${clock.now().getTime()} ${sealed}`;
      return kv.set(successorKey(sessionId, tokenHash), value, { ttlMs: graceMs, ifAbsent: true });
    },

    /** The sealed successor of a token, while the grace since its exchange lasts. */
    async successorOf(sessionId: string, tokenHash: string): Promise<string | null> {
      const value = await kv.get(successorKey(sessionId, tokenHash));
      const space = value?.indexOf(' ') ?? -1;
      if (!value || space < 0) return null;
      const within = clock.now().getTime() - Number(value.slice(0, space)) <= graceMs;
      return within ? value.slice(space + 1) : null;
    },

    async dropSuccessor(sessionId: string, tokenHash: string): Promise<void> {
      await kv.del(successorKey(sessionId, tokenHash));
    },

    async remove(sessionId: string): Promise<void> {
      await kv.del(key(sessionId));
    },
  };
}

export type RefreshTokenStore = ReturnType<typeof refreshTokenStore>;
