import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../db/migrate.js';

/**
 * The outbox, inbox and dead letters of one service, created in its own schema. Named `0000_` so
 * they run before the service's own migrations (`0001_` onwards), which may rely on them.
 */
export const messagingMigrations: Migrations = {
  '0000_messaging_01_tables': {
    // Migrations receive a schema-bound Kysely, so table names stay unqualified.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'uuid', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
        .addColumn('data', 'jsonb', (c) => c.notNull())
        .addColumn('traceparent', 'text')
        .addColumn('published_at', 'timestamptz')
        // A relay instance leases the rows it is publishing so that others skip them until then.
        .addColumn('claimed_until', 'timestamptz')
        .addColumn('seq', 'bigserial', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('outbox_unpublished_idx')
        .on('outbox')
        .column('seq')
        .where(sql.ref('published_at'), 'is', null)
        .execute();
      await db.schema.createIndex('outbox_published_at_idx').on('outbox').column('published_at').execute();

      await db.schema
        .createTable('inbox')
        .addColumn('consumer', 'text', (c) => c.notNull())
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addColumn('handled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addPrimaryKeyConstraint('inbox_pk', ['consumer', 'event_id'])
        .execute();

      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('consumer', 'text', (c) => c.notNull())
        .addColumn('event_id', 'uuid', (c) => c.notNull())
        .addColumn('event', 'jsonb', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn('replay_requested_at', 'timestamptz')
        // One row per event and consumer: a redelivered dead event adds attempts, not rows.
        .addUniqueConstraint('dead_letters_consumer_event_uq', ['consumer', 'event_id'])
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('dead_letters').execute();
      await db.schema.dropTable('inbox').execute();
      await db.schema.dropTable('outbox').execute();
    },
  },
};
