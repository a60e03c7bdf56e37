import type { KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

export type Role = 'customer' | 'admin';

/** Who made a request, as its access token says. */
export interface Principal {
  userId: string;
  role: Role;
  sessionId: string;
}

const issuer = 'emporium';
const audience = 'emporium-api';

export async function signAccessToken(
  privateKey: KeyObject,
  principal: Principal,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT({ role: principal.role, sid: principal.sessionId })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(privateKey);
}

/** Null for anything but a well-signed, unexpired EdDSA token of ours (alg "none" included). */
async function verifyWithExpiry(
  publicKey: KeyObject,
  token: string,
): Promise<{ principal: Principal; expiresAtMs: number } | null> {
  try {
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['EdDSA'], issuer, audience });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.exp !== 'number')
      return null;
    if (role !== 'customer' && role !== 'admin') return null;
    return { principal: { userId: payload.sub, role, sessionId: payload.sid }, expiresAtMs: payload.exp * 1000 };
  } catch {
    return null;
  }
}

/**
 * Checks access tokens, remembering the ones it accepted until they expire: a client sends the
 * same token with every request for its whole life, and checking an EdDSA signature costs more
 * than the rest of a cached read. Bounded: the oldest entries go first. Revocation is not its
 * business (the session registry is asked on every request).
 */
export function createAccessTokenVerifier(
  publicKey: KeyObject,
  capacity = 10_000,
): (token: string) => Promise<Principal | null> {
  const accepted = new Map<string, { principal: Principal; expiresAtMs: number }>();
  return async (token) => {
    const known = accepted.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.principal;
    if (known) accepted.delete(token);
    const verified = await verifyWithExpiry(publicKey, token);
    if (!verified) return null;
    if (accepted.size >= capacity) accepted.delete(accepted.keys().next().value as string);
    accepted.set(token, verified);
    return verified.principal;
  };
}
