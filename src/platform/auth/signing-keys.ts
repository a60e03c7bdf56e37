import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKeys {
  /** Present only where tokens are issued (identity). */
  privateKey?: KeyObject;
  publicKey: KeyObject;
}

export interface SigningKeySource {
  jwtPrivateKey?: string | undefined;
  jwtPublicKey?: string | undefined;
  dataDir: string;
}

const pem = (text: string): string => text.replace(/\\n/g, '\n');

/**
 * Ed25519 keys for access tokens: from configuration when given (PEM, "\n" escapes allowed),
 * otherwise generated once and kept under DATA_DIR/keys so tokens survive a restart.
 */
export function loadSigningKeys(source: SigningKeySource): SigningKeys {
  if (source.jwtPrivateKey) {
    const privateKey = createPrivateKey(pem(source.jwtPrivateKey));
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  if (source.jwtPublicKey) return { publicKey: createPublicKey(pem(source.jwtPublicKey)) };
  const dir = join(source.dataDir, 'keys');
  const file = join(dir, 'jwt-ed25519.pem');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export function generateSigningKeys(): Required<SigningKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey };
}
