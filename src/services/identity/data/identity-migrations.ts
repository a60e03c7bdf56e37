import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate.js';

export const identityMigrations: Migrations = {
  '0001_users': {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('customer', 'admin')`))
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      // Emails are unique whatever their case; the index is also what makes concurrent sign-ups safe.
      await db.schema
        .createIndex('users_email_lower_uq')
        .on('users')
        .unique()
        .expression(sql`lower(email)`)
        .execute();
      // Seeding asks "is there any admin?" on every start.
      await db.schema
        .createIndex('users_admins_idx')
        .on('users')
        .column('id')
        .where(sql.ref('role'), '=', 'admin')
        .execute();
    },
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async down(db: Kysely<any>) {
      await db.schema.dropTable('users').execute();
    },
  },
};
