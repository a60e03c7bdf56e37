import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../platform/config/load-config.js';
import { createPasswords } from './passwords.js';

describe('passwords', () => {
  it("hash at OWASP's argon2id baseline unless PASSWORD_HASH_MEMORY_KIB says otherwise", async () => {
    const passwords = createPasswords(loadConfig({}).passwordHashMemoryKib);
    const stored = await passwords.hash('a long password');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.verify(stored, 'a long password')).toBe(true);
    expect(await passwords.verify(stored, 'a long passwore')).toBe(false);
  });

  it('check a hash made at another cost, so that changing the cost locks no one out', async () => {
    const stored = await createPasswords(loadConfig({}).passwordHashMemoryKib).hash('a long password');
    const cheaper = createPasswords(loadConfig({ PASSWORD_HASH_MEMORY_KIB: '1024' }).passwordHashMemoryKib);
    expect(await cheaper.hash('a long password')).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
    expect(await cheaper.verify(stored, 'a long password')).toBe(true);
    expect(await cheaper.verify(undefined, 'a long password')).toBe(false);
  });
});
