import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokenVerifier, signAccessToken, type Principal } from './access-tokens.js';
import { generateSigningKeys } from './signing-keys.js';

const principal: Principal = { userId: 'usr_1', role: 'customer', sessionId: 'ses_1' };

describe('access tokens', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts its own tokens, again and again, and nothing else', async () => {
    const keys = generateSigningKeys();
    const verify = createAccessTokenVerifier(keys.publicKey);
    const token = await signAccessToken(keys.privateKey, principal, 60);
    expect(await verify(token)).toEqual(principal);
    expect(await verify(token)).toEqual(principal);

    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' }),
    ).toString('base64url');
    expect(await verify(`${header}.${forged}.${signature}`)).toBeNull();
    const unsigned = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await verify(`${unsigned}.${payload}.`)).toBeNull();
    const stranger = generateSigningKeys();
    expect(await verify(await signAccessToken(stranger.privateKey, principal, 60))).toBeNull();
  });

  it('stops accepting a token it accepted before once the token expires', async () => {
    const keys = generateSigningKeys();
    const verify = createAccessTokenVerifier(keys.publicKey);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const token = await signAccessToken(keys.privateKey, principal, 60);
      vi.advanceTimersByTime(59_000);
      expect(await verify(token)).toEqual(principal);
      vi.advanceTimersByTime(2_000);
      expect(await verify(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps accepting every valid token when it remembers fewer than it sees', async () => {
    const keys = generateSigningKeys();
    const verify = createAccessTokenVerifier(keys.publicKey, 2);
    const tokens = await Promise.all(
      ['a', 'b', 'c'].map((id) => signAccessToken(keys.privateKey, { ...principal, sessionId: `ses_${id}` }, 60)),
    );
    for (const token of [...tokens, ...tokens]) expect(await verify(token)).not.toBeNull();
  });
});
