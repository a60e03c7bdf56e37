import { hash, verify } from '@node-rs/argon2';
import { newSecret } from './ids.js';

export interface Passwords {
  hash(password: string): Promise<string>;
  /**
   * Checks a password against a stored hash. With no hash (unknown email) it still does the work
   * of a real check, so the answer takes as long either way and reveals nothing.
   */
  verify(storedHash: string | undefined, password: string): Promise<boolean>;
}

/**
 * Hashes with argon2id, 2 passes, 1 lane and `memoryKib` of memory (PASSWORD_HASH_MEMORY_KIB,
 * OWASP's baseline by default). The library's default algorithm is argon2id; its `Algorithm`
 * const enum does not exist at runtime, so it is not named here. A hash records its own cost, so
 * `verify` checks hashes made at any cost.
 */
export function createPasswords(memoryKib: number): Passwords {
  const options = { memoryCost: memoryKib, timeCost: 2, parallelism: 1 } as const;
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
