import type { KvStore } from '../kv/kv-store.js';

/**
 * Which sessions are open. Access tokens name their session, so ending a session (logout,
 * refresh-token reuse) rejects its tokens at once, in every process that shares the store.
 */
export class SessionRegistry {
  constructor(private readonly kv: KvStore) {}

  private key(sessionId: string): string {
    return `auth:session:${sessionId}`;
  }

  async open(sessionId: string, userId: string, ttlMs: number): Promise<void> {
    await this.kv.set(this.key(sessionId), userId, { ttlMs });
  }

  async isOpen(sessionId: string): Promise<boolean> {
    return (await this.kv.get(this.key(sessionId))) !== null;
  }

  async extend(sessionId: string, ttlMs: number): Promise<boolean> {
    return this.kv.expire(this.key(sessionId), ttlMs);
  }

  async close(sessionId: string): Promise<void> {
    await this.kv.del(this.key(sessionId));
  }
}
