import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Database } from './database.js';

export type Migrations = Record<string, Migration>;

async function createSchema(root: Kysely<unknown>, schema: string): Promise<void> {
  // Two processes starting together may both try; the loser sees a unique violation and moves on.
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(root);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

/**
 * Brings one service's schema up to date. Kysely's migrator holds a PostgreSQL advisory lock
 * while it runs, so several processes starting at once apply each migration exactly once.
 */
export async function migrateSchema(db: Database, schema: string, migrations: Migrations): Promise<string[]> {
  await createSchema(db.root, schema);
  const migrator = new Migrator({
    db: db.forSchema(schema),
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
