import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt, type JWTPayload } from 'jose';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token like `genuine` (same subject, session, issuer, audience) with the given claims changed, signed by `key`. */
export function resign(
  genuine: string,
  key: KeyObject | Uint8Array,
  alg: string,
  changes: JWTPayload = {},
): Promise<string> {
  const { iat: _iat, exp: _exp, ...claims } = decodeJwt(genuine);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now, exp: now + 300, ...changes })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(key);
}

/** The same signature over another payload: a token whose claims were edited in transit. */
export function tamper(genuine: string, changes: JWTPayload): string {
  const [header, , signature] = genuine.split('.');
  return `${header}.${b64({ ...decodeJwt(genuine), ...changes })}.${signature}`;
}

/** The claims of `genuine` under `alg: none`, with no signature. */
export const unsigned = (genuine: string): string => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(decodeJwt(genuine))}.`;

const foreignKey = generateKeyPairSync('ed25519').privateKey;

export interface ForgeryKeys {
  /** The shop's own signing key: a token it signs is rejected only for what its claims say. */
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const forgeryNames = [
  'alg-none',
  'claims-role-admin',
  'claims-other-user',
  'foreign-key',
  'hs256-with-public-key',
  'expired',
  'not-yet-valid',
  'truncated',
] as const;
export type Forgery = (typeof forgeryNames)[number];

/**
 * The forged access tokens every protected route must refuse (401), each made from a genuine
 * token: none of them may ever be taken for its user, or for anyone.
 */
export function forgeries(
  keys: ForgeryKeys,
  otherUserId: string,
): Record<Forgery, (genuine: string) => Promise<string>> {
  const now = () => Math.floor(Date.now() / 1000);
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    'alg-none': async (t: string) => unsigned(t),
    'claims-role-admin': async (t: string) => tamper(t, { role: 'admin' }),
    'claims-other-user': async (t: string) => tamper(t, { sub: otherUserId }),
    'foreign-key': (t: string) => resign(t, foreignKey, 'EdDSA'),
    // The classic key-confusion attack: the public key, which anyone may know, used as an HMAC secret.
    'hs256-with-public-key': (t: string) => resign(t, new TextEncoder().encode(publicPem), 'HS256'),
    expired: (t: string) => resign(t, keys.privateKey, 'EdDSA', { iat: now() - 3_600, exp: now() - 60 }),
    'not-yet-valid': (t: string) =>
      resign(t, keys.privateKey, 'EdDSA', { iat: now() + 3_600, nbf: now() + 3_600, exp: now() + 7_200 }),
    truncated: async (t: string) => t.slice(0, -6),
  };
}
