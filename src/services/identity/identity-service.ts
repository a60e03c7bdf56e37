import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import type { IdentityDb } from './data/identity-db.js';
import { refreshTokenStore } from './data/refresh-token-store.js';
import { loginFailureStore } from './data/login-failure-store.js';
import type { IdentityContext } from './domain/identity-context.js';
import { createPasswords } from './domain/passwords.js';
import { sessionTokens } from './domain/session-tokens.js';
import { createAdmin, type CreatedAdmin } from './domain/create-admin.js';
import { seedAdmin } from './domain/seed-admin.js';
import { registerSessionRoutes, registerSignInRoutes } from './http/auth-routes.js';
import { registerMeRoutes } from './http/me-routes.js';

/** The identity module plus what operators call directly (the admin command, test harness). */
export interface IdentityService extends ServiceModule {
  createAdmin(input: { email: string; password: string; name: string }): Promise<CreatedAdmin>;
}

/** Users, passwords and sessions. Publishes `user.registered`; subscribes to nothing. */
export function createIdentityService(deps: ServiceDeps): IdentityService {
  const { config, signingKeys } = deps;
  if (!signingKeys.privateKey) throw new Error('identity issues access tokens: it needs the private signing key');
  const ctx: IdentityContext = {
    db: deps.db.forSchema<IdentityDb>('identity'),
    outbox: deps.outbox,
    passwords: createPasswords(config.passwordHashMemoryKib),
    tokens: sessionTokens({
      sessions: deps.sessions,
      store: refreshTokenStore(
        deps.kv,
        config.refreshTokenTtlSeconds * 1000,
        config.refreshReuseGraceSeconds * 1000,
        deps.clock,
      ),
      privateKey: signingKeys.privateKey,
      accessTtlSeconds: config.accessTokenTtlSeconds,
      refreshTtlSeconds: config.refreshTokenTtlSeconds,
    }),
    loginFailures: loginFailureStore(deps.kv, config.loginFailureWindowSeconds * 1000),
    loginFailureLimit: config.loginFailureLimit,
    clock: deps.clock,
    metrics: deps.metrics,
    logger: deps.logger,
  };
  return {
    name: 'identity',
    routes: (app) => {
      registerSignInRoutes(app, ctx);
      registerSessionRoutes(app, ctx, deps.auth);
      registerMeRoutes(app, ctx, deps.auth);
    },
    start: () => seedAdmin(ctx, config, deps.announce),
    createAdmin: (input) => createAdmin(ctx, input),
  };
}
