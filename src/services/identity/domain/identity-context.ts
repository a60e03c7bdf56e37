import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import type { Kysely } from 'kysely';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { IdentityDb } from '../data/identity-db.js';
import type { LoginFailureStore } from '../data/login-failure-store.js';
import type { Passwords } from './passwords.js';
import type { SessionTokens } from './session-tokens.js';

/** What identity's use cases work with, assembled once by identity-service.ts. */
export interface IdentityContext {
  db: Kysely<IdentityDb>;
  outbox: Outbox<IdentityDb>;
  passwords: Passwords;
  tokens: SessionTokens;
  loginFailures: LoginFailureStore;
  /** Failed logins per account within the store's window before login is refused. */
  loginFailureLimit: number;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}
