import type { Kysely } from 'kysely';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Mailer } from '../../../platform/mail/mailer.js';
import type { NotificationsDb } from '../data/notifications-db.js';
import type { DeliveryPolicy } from './notification.js';
import type { WorkSignal } from '../../../platform/runtime/work-signal.js';

/** What the notifications use cases work with. */
export interface NotificationsContext {
  db: Kysely<NotificationsDb>;
  mailer: Mailer;
  /** Sender address, for Message-IDs in its domain. */
  from: string;
  clock: Clock;
  logger: Logger;
  delivery: DeliveryPolicy;
  /** Tells the sender when to look for due emails. */
  work: WorkSignal;
}
