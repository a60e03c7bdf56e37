import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { IdentityDb } from '../data/identity-db.js';
import type { UserRepository } from '../data/user-repository.js';
import type { Passwords } from './passwords.js';
import type { SessionTokens } from './session-tokens.js';

/** What identity's use cases work with, assembled once by identity-service.ts. */
export interface IdentityContext {
  users: UserRepository;
  outbox: Outbox<IdentityDb>;
  passwords: Passwords;
  tokens: SessionTokens;
  clock: Clock;
  metrics: Metrics;
  logger: Logger;
}
