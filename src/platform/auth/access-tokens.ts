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

export async function signAccessToken(privateKey: KeyObject, principal: Principal, ttlSeconds: number): Promise<string> {
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
export async function verifyAccessToken(publicKey: KeyObject, token: string): Promise<Principal | null> {
  try {
    const { payload } = await jwtVerify(token, publicKey, { algorithms: ['EdDSA'], issuer, audience });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    if (role !== 'customer' && role !== 'admin') return null;
    return { userId: payload.sub, role, sessionId: payload.sid };
  } catch {
    return null;
  }
}
