import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { TokenPair } from '../../../contracts/api/identity-api.js';

const info = 'emporium refresh successor v1';
const ivBytes = 12;
const tagBytes = 16;

/** The key only the holder of the refresh token can make: the store keeps just the token's hash. */
const keyOf = (refreshToken: string) => Buffer.from(hkdfSync('sha256', refreshToken, '', info, 32));

/** A token pair encrypted (AES-256-GCM) under a key derived from the refresh token it replaces. */
export function sealPair(pair: TokenPair, refreshToken: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', keyOf(refreshToken), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The pair sealed under this refresh token; null when it was sealed under another one. */
export function openPair(sealed: string, refreshToken: string): TokenPair | null {
  const bytes = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(refreshToken), bytes.subarray(0, ivBytes));
  decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
  try {
    const text = Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text) as TokenPair;
  } catch {
    return null;
  }
}
