import { createHash, type KeyObject } from 'node:crypto';
import { signAccessToken, type Role } from '../../../platform/auth/access-tokens.js';
import type { SessionRegistry } from '../../../platform/auth/session-registry.js';
import type { TokenPair } from '../../../contracts/api/identity-api.js';
import type { RefreshRecord, RefreshTokenStore } from '../data/refresh-token-store.js';
import { newSecret, newSessionId } from './ids.js';
import { openPair, sealPair } from './sealed-pair.js';

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
  token: string;
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
    const accessToken = await signAccessToken(
      privateKey,
      { userId: owner.id, role: owner.role, sessionId },
      accessTtlSeconds,
    );
    return {
      accessToken,
      refreshToken,
      expiresIn: accessTtlSeconds,
      record: { userId: owner.id, tokenHash: hashToken(refreshToken) },
    };
  };

  /** What the presented token was exchanged for, while its grace lasts; null after it. */
  const successor = async (presented: PresentedToken): Promise<TokenPair | null> => {
    const sealed = await store.successorOf(presented.sessionId, presented.tokenHash);
    return sealed ? openPair(sealed, presented.token) : null;
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
      return sessionId ? { token: refreshToken, sessionId, tokenHash: hashToken(refreshToken) } : null;
    },

    current: (sessionId: string) => store.load(sessionId),

    successor,

    /**
     * Exchanges the presented (current) token for a new pair. Of requests racing with one token,
     * the first to record the successor rotates and the others answer that same pair. Null when
     * the session ended meanwhile.
     */
    async rotate(presented: PresentedToken, current: RefreshRecord, owner: TokenOwner): Promise<TokenPair | null> {
      const { sessionId, tokenHash } = presented;
      const { record, ...pair } = await issue(owner, sessionId);
      if (!(await store.claimSuccessor(sessionId, tokenHash, sealPair(pair, presented.token))))
        return successor(presented);
      if (!(await store.rotate(sessionId, current, record))) {
        await store.dropSuccessor(sessionId, tokenHash);
        return null;
      }
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
