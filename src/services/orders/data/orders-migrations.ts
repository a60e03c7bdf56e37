import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate.js';

// Migrations receive a schema-bound Kysely, so table names stay unqualified.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const ordersMigrations: Migrations = {
  '0001_orders_01_orders': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('pending_payment', 'confirmed', 'shipped', 'cancelled')`),
        )
        .addColumn('items', 'jsonb', (c) => c.notNull())
        .addColumn('total_amount', 'integer', (c) => c.notNull().check(sql`total_amount >= 0`))
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('shipping_address', 'jsonb', (c) => c.notNull())
        .addColumn('payment_status', 'text', (c) =>
          c.notNull().check(sql`payment_status in ('pending', 'succeeded', 'failed', 'refunded')`),
        )
        .addColumn('payment_attempts', 'integer', (c) => c.notNull())
        .addColumn('cancellation_reason', 'text')
        .addColumn('shipment', 'jsonb')
        .addColumn('history', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // A customer's orders, newest first (scanned backwards), and the admin list with and
      // without its status filter; the sweeper reads the oldest pending orders from the second.
      await db.schema
        .createIndex('orders_user_newest_idx')
        .on('orders')
        .columns(['user_id', 'created_at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('orders_status_created_idx')
        .on('orders')
        .columns(['status', 'created_at', 'id'])
        .execute();
      await db.schema.createIndex('orders_newest_idx').on('orders').columns(['created_at', 'id']).execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('orders').execute();
    },
  },
  '0001_orders_02_idempotency_keys': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text')
        .addColumn('outcome', 'jsonb', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        // The last guard against a second order for one key, whatever happens to the in-flight lock.
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('idempotency_keys').execute();
    },
  },
  '0002_orders_01_cart_version': {
    // The cart read each order was placed from: the last guard against two orders from one cart
    // (two tabs, a double click), whatever happens to the checkout lock. Null for older orders.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('cart_version', 'text').execute();
      await db.schema
        .createIndex('orders_user_cart_version_key')
        .on('orders')
        .columns(['user_id', 'cart_version'])
        .unique()
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('orders_user_cart_version_key').execute();
      await db.schema.alterTable('orders').dropColumn('cart_version').execute();
    },
  },
  '0003_orders_01_idempotency_answers': {
    // The answer as sent (status, headers, body) replaces the checkout's outcome, which only the
    // checkout route could render. Records of earlier releases keep an empty answer: their
    // fingerprints, of another format, never match a request now, so a replay with their key is
    // refused as a reused key (never run twice) until they are purged. `outcome` stays, nullable,
    // while an earlier release may still write it during a rolling deploy.
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('idempotency_keys')
        .addColumn('answer', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .execute();
      await db.schema
        .alterTable('idempotency_keys')
        .alterColumn('outcome', (c) => c.dropNotNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.deleteFrom('idempotency_keys').where('outcome', 'is', null).execute();
      await db.schema
        .alterTable('idempotency_keys')
        .alterColumn('outcome', (c) => c.setNotNull())
        .execute();
      await db.schema.alterTable('idempotency_keys').dropColumn('answer').execute();
    },
  },
};
