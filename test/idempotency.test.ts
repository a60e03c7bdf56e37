import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layouts } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, uniqueEmail, type TestUser } from './support/http.js';
import { kvContents } from './support/kv-contents.js';

describe.each(layouts)('Idempotency-Key on POST requests (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    app = await createTestApp(profile);
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  const createCategory = (key: string, slug: string, token = admin.accessToken) =>
    call(app, 'POST', '/api/v1/categories', {
      token,
      body: { slug, name: `Category ${slug}` },
      headers: { 'idempotency-key': key },
    });

  it('replays the first answer for the same key and body, doing the work once', async () => {
    const first = await createCategory('cat-key-1', 'garden-tools');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await createCategory('cat-key-1', 'garden-tools');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const without = await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug: 'garden-tools', name: 'x' },
    });
    expect(without.status).toBe(409);
  });

  it('refuses the same key with another body (422)', async () => {
    await createCategory('cat-key-2', 'pond-supplies');
    const other = await createCategory('cat-key-2', 'pond-pumps');
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
  });

  it('replays error answers of the handler too, so a retry sees what the first attempt saw', async () => {
    await call(app, 'POST', '/api/v1/categories', {
      token: admin.accessToken,
      body: { slug: 'taken-slug', name: 'Taken' },
    });
    const first = await createCategory('cat-key-3', 'taken-slug');
    expect(first.status).toBe(409);
    const again = await createCategory('cat-key-3', 'taken-slug');
    expect(again.status).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('does not record requests refused before they ran (authentication)', async () => {
    const customer = await registerUser(app);
    expect((await createCategory('cat-key-5', 'forbidden-zone', customer.accessToken)).status).toBe(403);
    const again = await createCategory('cat-key-5', 'forbidden-zone', customer.accessToken);
    expect(again.status).toBe(403);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('scopes keys per user', async () => {
    const otherAdmin = await createAdmin(app);
    await createCategory('shared-key', 'bird-feeders');
    const res = await createCategory('shared-key', 'bird-baths', otherAdmin.accessToken);
    expect(res.status).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
  });

  it('answers concurrent duplicates once: the others wait (409) or replay', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => createCategory('cat-key-4', 'hammocks')));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    expect(results.filter((r) => r.status === 201 && !r.headers['idempotent-replayed'])).toHaveLength(1);
    const categories = await call(app, 'GET', '/api/v1/categories');
    expect(categories.body.items.filter((c: { slug: string }) => c.slug === 'hammocks')).toHaveLength(1);
  });

  it('never stores token answers for replay: each sign-in, sign-up and refresh with a key runs', async () => {
    const user = await registerUser(app, 'keyed');
    const withKey = (path: string, body: object, key: string) =>
      call(app, 'POST', `/api/v1/auth/${path}`, { body, headers: { 'idempotency-key': key } });
    const credentials = { email: user.email, password: user.password };
    const logins = [await withKey('login', credentials, 'login-key'), await withKey('login', credentials, 'login-key')];
    const signUp = { email: uniqueEmail('keyed-signup'), password: 'correct horse battery', name: 'Keyed' };
    const registrations = [
      await withKey('register', signUp, 'register-key'),
      await withKey('register', signUp, 'register-key'),
    ];
    const refreshes = [
      await withKey('refresh', { refreshToken: logins[0]!.body.refreshToken }, 'refresh-key'),
      await withKey('refresh', { refreshToken: logins[1]!.body.refreshToken }, 'refresh-key'),
    ];
    expect(logins.map((r) => r.status)).toEqual([200, 200]);
    expect(registrations.map((r) => r.status)).toEqual([201, 409]);
    expect(refreshes.map((r) => r.status)).toEqual([200, 200]);
    for (const res of [...logins, ...registrations, ...refreshes])
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    expect(logins[1]!.body.accessToken).not.toBe(logins[0]!.body.accessToken);
    expect(logins[1]!.body.refreshToken).not.toBe(logins[0]!.body.refreshToken);
    expect(refreshes[1]!.body.refreshToken).not.toBe(refreshes[0]!.body.refreshToken);

    const stored = await kvContents(app);
    expect([...stored.keys()].filter((key) => /idempotency:.*(login|register|refresh)-key/.test(key))).toEqual([]);
    const atRest = [...stored].flat().join('\n');
    const tokens = [...logins, registrations[0]!, ...refreshes].flatMap((r) => [
      r.body.accessToken,
      r.body.refreshToken,
    ]);
    for (const token of tokens) expect(atRest).not.toContain(token);
  });

  it('rejects a malformed key with 400', async () => {
    const res = await createCategory('x'.repeat(256), 'too-long-key');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('idempotency_key_invalid');
  });
});
