import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/load-config.js';

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

export interface SigningKeyNeeds {
  /** Identity runs in this process: it signs tokens, so it needs the private key. */
  signs: boolean;
  /**
   * The whole shop runs from this machine's data directory (one process, its workers, or its API
   * and background roles side by side), so keys made here reach every process that uses them.
   * Services running apart would each make their own, and none would accept another's tokens.
   */
  mayGenerate: boolean;
  /** What verifies tokens in this process, for the message when its key is missing. */
  who: string;
}

const pem = (text: string): string => text.replace(/\\n/g, '\n');

function parsed(variable: string, text: string, half: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    key = half === 'private' ? createPrivateKey(pem(text)) : createPublicKey(pem(text));
  } catch {
    throw new ConfigError(`${variable} is not a ${half} key in PEM (write line breaks as "\\n" on one line)`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ConfigError(`${variable} must be an Ed25519 key (got ${key.asymmetricKeyType ?? 'another kind'})`);
  return key;
}

function fromDataDir(dataDir: string): Required<SigningKeys> {
  const dir = join(dataDir, 'keys');
  const file = join(dir, 'jwt-ed25519.pem');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/**
 * Ed25519 keys for access tokens: from configuration when given (PEM, "\n" escapes allowed),
 * otherwise, where the whole shop runs, generated once and kept under DATA_DIR/keys so tokens
 * survive a restart. A setting that is missing or wrong stops the process with one line.
 */
export function loadSigningKeys(source: SigningKeySource, needs: SigningKeyNeeds): SigningKeys {
  if (source.jwtPrivateKey) {
    const privateKey = parsed('JWT_PRIVATE_KEY', source.jwtPrivateKey, 'private');
    const publicKey = createPublicKey(privateKey);
    if (source.jwtPublicKey && !parsed('JWT_PUBLIC_KEY', source.jwtPublicKey, 'public').equals(publicKey)) {
      throw new ConfigError('JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY');
    }
    return { privateKey, publicKey };
  }
  if (source.jwtPublicKey && !needs.signs)
    return { publicKey: parsed('JWT_PUBLIC_KEY', source.jwtPublicKey, 'public') };
  if (needs.mayGenerate && !source.jwtPublicKey) return fromDataDir(source.dataDir);
  if (needs.signs) {
    throw new ConfigError(
      source.jwtPublicKey
        ? 'JWT_PRIVATE_KEY must be set: identity signs access tokens in this process, and JWT_PUBLIC_KEY only verifies them'
        : 'JWT_PRIVATE_KEY must be set: identity signs access tokens here for processes running apart, which verify them with JWT_PUBLIC_KEY',
    );
  }
  throw new ConfigError(
    `JWT_PUBLIC_KEY must be set: ${needs.who} verifies access tokens signed by identity in another process`,
  );
}

export function generateSigningKeys(): Required<SigningKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey };
}
