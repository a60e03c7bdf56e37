import { hash, verify } from '@node-rs/argon2';
import { newSecret } from './ids.js';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). The library's default algorithm is
// argon2id; its `Algorithm` const enum does not exist at runtime, so it is not named here.
const options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface Passwords {
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash. With no hash (unknown email) it still does the work
   * of a real check, so the answer takes as long either way and reveals nothing.
   */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
}

export function createPasswords(): Passwords {
  // Made at once, so that even the first unknown-email login costs no more than one verification.
  const dummyHash = hash(newSecret(), options);
  return {
    hash: (password) => hash(password, options),
    async verify(storedHash, password) {
      if (storedHash === undefined) {
        await verify(await dummyHash, password).catch(() => false);
        return false;
      }
      return verify(storedHash, password).catch(() => false);
    },
  };
}
