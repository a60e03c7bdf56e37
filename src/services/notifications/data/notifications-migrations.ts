import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate.js';

// Migrations receive a schema-bound Kysely, so table names stay unqualified.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const notificationsMigrations: Migrations = {
  '0001_notifications_01_tables': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('recipients')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('to_address', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sent', 'failed')`))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
        .addColumn('claimed_until', 'timestamptz')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('sent_at', 'timestamptz')
        // Exactly one email per event and template, whatever the redeliveries.
        .addUniqueConstraint('notifications_event_template_uq', ['event_id', 'template'])
        .execute();
      // A user's list, newest first (ids sort by creation time).
      await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'id']).execute();
      // The sender's queue: only what still waits is indexed.
      await db.schema
        .createIndex('notifications_due_idx')
        .on('notifications')
        .column('next_attempt_at')
        .where(sql.ref('status'), '=', 'pending')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('notifications').execute();
      await db.schema.dropTable('recipients').execute();
    },
  },
};
