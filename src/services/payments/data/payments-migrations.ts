import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate.js';

// Migrations receive a schema-bound Kysely, so table names stay unqualified.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const paymentsMigrations: Migrations = {
  '0001_payments_01_payments': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount >= 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
        .addColumn('claimed_until', 'timestamptz')
        .addColumn('charge_id', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('refund_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failure_reason', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // The worker's queue: only payments that still need the processor are indexed.
      await db.schema
        .createIndex('payments_due_idx')
        .on('payments')
        .column('next_attempt_at')
        .where(sql.ref('status'), 'in', ['pending', 'refund_pending'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('payments').execute();
    },
  },
  '0001_payments_02_processor': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('processor_ledger')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('charge', 'refund')`))
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('amount', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('token', 'text')
        .addColumn('charge_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('decline_code', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('processor_attempts')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('processor_attempts').execute();
      await db.schema.dropTable('processor_ledger').execute();
    },
  },
};
