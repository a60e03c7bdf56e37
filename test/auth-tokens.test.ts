import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser, type TestUser } from './support/http.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(profiles)('access tokens are checked on every request (%s)', (profile) => {
  let app: TestApp;
  let user: TestUser;
  let claims: ReturnType<typeof decodeJwt>;

  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['identity'] });
    user = await registerUser(app, 'tokens');
    claims = decodeJwt(user.accessToken);
  });
  afterAll(async () => app?.close());

  /** A token like the real one (same session, issuer and audience), with the given changes. */
  const forge = (key: KeyObject = app.signingKeys.privateKey!, changes: { exp?: number } = {}) =>
    new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setSubject(String(claims.sub))
      .setIssuer(String(claims.iss))
      .setAudience(claims.aud as string)
      .setIssuedAt()
      .setExpirationTime(changes.exp ?? '5m')
      .sign(key);

  const expectRejected = async (token: string) => {
    const res = await call(app, 'GET', '/api/v1/me', { token });
    expect(res.status).toBe(401);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('unauthorized');
  };

  it('accepts the genuine token and one forged with the right key (the control)', async () => {
    expect((await call(app, 'GET', '/api/v1/me', { token: user.accessToken })).status).toBe(200);
    expect((await call(app, 'GET', '/api/v1/me', { token: await forge() })).status).toBe(200);
  });

  it('accepts the Bearer scheme in any case (RFC 6750)', async () => {
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      const res = await call(app, 'GET', '/api/v1/me', { headers: { authorization: `${scheme} ${user.accessToken}` } });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
    }
  });

  it('rejects a token whose payload was changed', async () => {
    const [header, , signature] = user.accessToken.split('.');
    await expectRejected(`${header}.${b64({ ...claims, role: 'admin' })}.${signature}`);
    const [h, payload, s] = user.accessToken.split('.') as [string, string, string];
    const flipped = payload[5] === 'A' ? 'B' : 'A';
    await expectRejected(`${h}.${payload.slice(0, 5)}${flipped}${payload.slice(6)}.${s}`);
  });

  it('rejects an expired token', async () => {
    await expectRejected(await forge(undefined, { exp: Math.floor(Date.now() / 1000) - 60 }));
  });

  it('rejects an unsigned token (alg none)', async () => {
    await expectRejected(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`);
  });

  it('rejects a token signed by another key', async () => {
    await expectRejected(await forge(generateKeyPairSync('ed25519').privateKey));
  });

  it('rejects a malformed or missing bearer', async () => {
    await expectRejected('not.a.token');
    const res = await call(app, 'GET', '/api/v1/me', { headers: { authorization: `Basic ${user.accessToken}` } });
    expect(res.status).toBe(401);
  });

  it('rejects the tokens of a session that was revoked', async () => {
    const victim = await registerUser(app, 'revoked');
    const replayable = await forge();
    expect((await call(app, 'POST', '/api/v1/auth/logout', { token: victim.accessToken })).status).toBe(204);
    await expectRejected(victim.accessToken);
    // A token of another, still open session keeps working.
    expect((await call(app, 'GET', '/api/v1/me', { token: replayable })).status).toBe(200);
  });
});
