import { createHash, type KeyObject } from 'node:crypto';
import { signAccessToken, type Role } from '../../../platform/auth/access-tokens.js';
import type { SessionRegistry } from '../../../platform/auth/session-registry.js';
import type { TokenPair } from '../../../contracts/api/identity-api.js';
import type { RefreshRecord, RefreshTokenStore } from '../data/refresh-token-store.js';
import { newSecret, newSessionId } from './ids.js';

export interface SessionTokensOptions {
  sessions: SessionRegistry;
  store: RefreshTokenStore;
  privateKey: KeyObject;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface TokenOwner {
  id: string;
  role: Role;
}

/** A refresh token as presented: which session it claims and the hash it must match. */
export interface PresentedToken {
  sessionId: string;
  tokenHash: string;
}

const tokenShape = /^(ses_[\w-]{1,64})\.[\w-]{20,128}$/;
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Sessions and their tokens: an access token names its session (so closing the session in the
 * registry rejects it at once) and each session has exactly one valid refresh token at a time.
 */
export function sessionTokens(options: SessionTokensOptions) {
  const { sessions, store, privateKey, accessTtlSeconds } = options;
  const refreshTtlMs = options.refreshTtlSeconds * 1000;

  const issue = async (owner: TokenOwner, sessionId: string): Promise<TokenPair & { record: RefreshRecord }> => {
    const refreshToken = `${sessionId}.${newSecret()}`;
    const accessToken = await signAccessToken(privateKey, { userId: owner.id, role: owner.role, sessionId }, accessTtlSeconds);
    return { accessToken, refreshToken, expiresIn: accessTtlSeconds, record: { userId: owner.id, tokenHash: hashToken(refreshToken) } };
  };

  return {
    async open(owner: TokenOwner): Promise<TokenPair> {
      const sessionId = newSessionId();
      const { record, ...pair } = await issue(owner, sessionId);
      await store.save(sessionId, record);
      await sessions.open(sessionId, owner.id, refreshTtlMs);
      return pair;
    },

    parse(refreshToken: string): PresentedToken | null {
      const sessionId = tokenShape.exec(refreshToken)?.[1];
      return sessionId ? { sessionId, tokenHash: hashToken(refreshToken) } : null;
    },

    current: (sessionId: string) => store.load(sessionId),

    /** Null when another request rotated the same token first or the session ended meanwhile. */
    async rotate(sessionId: string, current: RefreshRecord, owner: TokenOwner): Promise<TokenPair | null> {
      const { record, ...pair } = await issue(owner, sessionId);
      if (!(await store.rotate(sessionId, current, record))) return null;
      if (!(await sessions.extend(sessionId, refreshTtlMs))) {
        await store.remove(sessionId);
        return null;
      }
      return pair;
    },

    /** Access tokens first: they are the ones that work without asking identity. */
    async close(sessionId: string): Promise<void> {
      await sessions.close(sessionId);
      await store.remove(sessionId);
    },
  };
}

export type SessionTokens = ReturnType<typeof sessionTokens>;
