import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/platform/logging/logger.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, registerUser, type TestUser } from './support/http.js';

describe.each(profiles)('credentials never reach the logs (%s profile)', (profile) => {
  const lines: string[] = [];
  let app: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    const logger = createLogger({ logLevel: 'info', logFormat: 'json' }, 'emporium', {
      write: (line: string) => void lines.push(line),
    });
    app = await createTestApp(profile, { services: ['identity'], logger });
    user = await registerUser(app, 'logged');
  });
  afterAll(() => app?.close());

  const loggedAfter = async (request: () => Promise<unknown>) => {
    const from = lines.length;
    await request();
    return lines.slice(from).map((line) => JSON.parse(line) as Record<string, { url?: string }>);
  };

  it('logs the request with token-like query parameters and credential headers replaced', async () => {
    const secrets = [user.accessToken, user.refreshToken, 'sess-cookie-value', 'code-1234567', 'hunter2hunter2'];
    const url = `/api/v1/me?access_token=${user.accessToken}&Refresh_Token=${user.refreshToken}&CODE=code-1234567&password=hunter2hunter2&lang=en`;
    const logged = await loggedAfter(() =>
      call(app, 'GET', url, { token: user.accessToken, headers: { cookie: 'sid=sess-cookie-value' } }),
    );
    const requestLines = logged.filter((entry) => entry.req);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const entry of requestLines) {
      expect(entry.req!.url).toBe(
        '/api/v1/me?access_token=[REDACTED]&Refresh_Token=[REDACTED]&CODE=[REDACTED]&password=[REDACTED]&lang=en',
      );
    }
    const text = JSON.stringify(logged);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('redacts the same way on routes that do not exist and on escaped parameter names', async () => {
    const logged = await loggedAfter(() => call(app, 'GET', `/api/v1/nowhere?id%5Ftoken=${user.accessToken}&q=shoes`));
    expect(logged.find((entry) => entry.req)?.req?.url).toBe('/api/v1/nowhere?id%5Ftoken=[REDACTED]&q=shoes');
    expect(JSON.stringify(logged)).not.toContain(user.accessToken);
  });

  it('keeps credential headers out of any object logged with headers', () => {
    const from = lines.length;
    app.app.log.info(
      {
        headers: { authorization: `Bearer ${user.accessToken}`, cookie: 'sid=1' },
        upstream: { headers: { authorization: 'Basic abc' } },
      },
      'proxying',
    );
    const text = lines.slice(from).join('');
    expect(text).toContain('proxying');
    expect(text).not.toContain(user.accessToken);
    expect(text).not.toContain('Basic abc');
    expect(text).not.toContain('sid=1');
  });
});
