import { afterAll, beforeAll } from 'vitest';
import type { ProfileName } from './infra.js';
import { createAdmin, type TestUser } from './http.js';
import { createTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/** The shop a test file runs against, and an admin to stock it: set before its tests run. */
export interface SuiteShop {
  app: TestApp;
  admin: TestUser;
}

/**
 * One app for the calling suite, made before its tests and closed after them: the files a suite
 * was split into each make their own this one way.
 */
export function suiteShop(profile: ProfileName, options?: TestAppOptions): SuiteShop {
  const shop = {} as SuiteShop;
  beforeAll(async () => {
    shop.app = await createTestApp(profile, options);
    shop.admin = await createAdmin(shop.app);
  });
  afterAll(() => shop.app?.close());
  return shop;
}
