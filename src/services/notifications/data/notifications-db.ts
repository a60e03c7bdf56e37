import type { ColumnType } from 'kysely';
import type { TemplateName } from '../templates/templates.js';

/** The notifications service's own tables (the messaging tables sit beside them). */
export interface NotificationsDb {
  recipients: RecipientsTable;
  notifications: NotificationsTable;
}

/** Who to write to, learnt from `user.registered`: notifications never read identity's tables. */
export interface RecipientsTable {
  user_id: string;
  email: string;
  name: string;
  updated_at: Date;
}

export type NotificationStatus = 'pending' | 'sent' | 'failed';

export interface NotificationsTable {
  id: string;
  /** The event that caused it: with the template, unique, so a redelivery adds nothing. */
  event_id: string;
  template: TemplateName;
  user_id: string;
  channel: 'email';
  /** Null until the recipient is known. */
  to_address: string | null;
  subject: string;
  /** What the template is rendered from. */
  data: ColumnType<unknown, string, never>;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: Date;
  /** Lease of the sender instance working on it right now. */
  claimed_until: Date | null;
  last_error: string | null;
  created_at: ColumnType<Date, Date, never>;
  sent_at: Date | null;
}
