import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityService } from '../src/services/identity/identity-service.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, registerUser, uniqueEmail } from './support/http.js';

const identityOf = (app: TestApp) => app.services.get('identity') as IdentityService;

describe.each(profiles)('identity: admins, stored data and events (%s)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { services: ['identity'] });
  });
  afterAll(async () => app?.close());

  it('createAdmin makes a new admin who can sign in', async () => {
    const admin = await createAdmin(app);
    const me = await call(app, 'GET', '/api/v1/me', { token: admin.accessToken });
    expect(me.body).toMatchObject({ id: admin.id, email: admin.email, role: 'admin', name: 'Test Admin' });
  });

  it('createAdmin promotes an existing account, keeps its password, and the next refresh carries the role', async () => {
    const user = await registerUser(app, 'promoted');
    const result = await identityOf(app).createAdmin({
      email: user.email.toUpperCase(),
      password: 'ignored password',
      name: 'X',
    });
    expect(result).toEqual({ id: user.id, email: user.email, created: false });

    const refreshed = await call(app, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).role).toBe('admin');
    const login = await call(app, 'POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('createAdmin validates like sign-up', async () => {
    await expect(
      identityOf(app).createAdmin({ email: uniqueEmail('weak'), password: 'short', name: 'A' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      identityOf(app).createAdmin({ email: 'nope', password: 'long enough pw', name: 'A' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await expect(
      identityOf(app).createAdmin({ email: uniqueEmail('blank'), password: ' '.repeat(12), name: 'A' }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
      extra: { errors: [{ path: '/password', message: expect.any(String) }] },
    });
  });

  it('stores an argon2id hash, never the password', async () => {
    const user = await registerUser(app, 'hash');
    const row = await app.infrastructure.db
      .forSchema<{ users: { id: string; password_hash: string } }>('identity')
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(user.password);
  });

  it('writes user.registered to the outbox with the new account', async () => {
    const user = await registerUser(app, 'event');
    const rows = await app.infrastructure.db
      .forSchema<{ outbox: { type: string; version: number; data: unknown } }>('identity')
      .selectFrom('outbox')
      .select(['type', 'version', 'data'])
      .where('type', '=', 'user.registered')
      .execute();
    const mine = rows.filter((r) => (r.data as { userId?: string }).userId === user.id);
    expect(mine).toEqual([
      { type: 'user.registered', version: 1, data: { userId: user.id, email: user.email, name: 'Test event' } },
    ]);
  });

  it('writes no event when sign-up fails', async () => {
    const user = await registerUser(app, 'noevent');
    await call(app, 'POST', '/api/v1/auth/register', {
      body: { email: user.email, password: user.password, name: 'Again' },
    });
    const rows = await app.infrastructure.db
      .forSchema<{ outbox: { type: string; data: unknown } }>('identity')
      .selectFrom('outbox')
      .select('data')
      .where('type', '=', 'user.registered')
      .execute();
    expect(rows.filter((r) => (r.data as { email?: string }).email === user.email)).toHaveLength(1);
  });
});

describe.each(profiles)('identity: first-start admin (%s)', (profile) => {
  it('in demo mode, creates an admin with a generated password and shows it once', async () => {
    const messages: string[] = [];
    const app = await createTestApp(profile, {
      services: ['identity'],
      config: { seedDemoData: true },
      announce: (m) => messages.push(m),
    });
    try {
      const shown = messages.join('\n');
      const email = /email:\s+(\S+)/.exec(shown)?.[1];
      const password = /password:\s+(\S+)/.exec(shown)?.[1];
      expect(email).toBe('admin@emporium.localhost');
      expect(password).toMatch(/^[\w-]{16,}$/);
      const login = await call(app, 'POST', '/api/v1/auth/login', { body: { email, password } });
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe('admin');

      // A second start (another process, or a restart) finds the admin and says nothing.
      messages.length = 0;
      await app.services.get('identity')?.start?.();
      expect(messages).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('creates the configured admin instead, and no demo admin', async () => {
    const messages: string[] = [];
    const adminEmail = uniqueEmail('configured');
    const adminPassword = 'configured password';
    const app = await createTestApp(profile, {
      services: ['identity'],
      config: { seedDemoData: true, adminEmail, adminPassword },
      announce: (m) => messages.push(m),
    });
    try {
      expect(messages).toEqual([]);
      const login = await call(app, 'POST', '/api/v1/auth/login', {
        body: { email: adminEmail, password: adminPassword },
      });
      expect(login.status).toBe(200);
      expect(login.body.user.role).toBe('admin');
      const demo = await call(app, 'POST', '/api/v1/auth/login', {
        body: { email: 'admin@emporium.localhost', password: 'anything at all' },
      });
      expect(demo.status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('creates no admin when demo data is off and none is configured', async () => {
    const messages: string[] = [];
    const app = await createTestApp(profile, { services: ['identity'], announce: (m) => messages.push(m) });
    try {
      expect(messages).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
