import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Database } from './database.js';

export type Migrations = Record<string, Migration>;

/** A schema this code cannot run on; its message is the one line an operator needs. */
export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** How a schema stands against the migrations this code knows. */
export interface SchemaStatus {
  /** Known here and not applied yet. */
  pending: string[];
  /** Applied by newer code: this code does not know them. */
  unknown: string[];
}

// Kysely's default, kept in the service's own schema (`migrationTableSchema`).
const migrationTable = 'kysely_migration';

async function createSchema(root: Kysely<unknown>, schema: string): Promise<void> {
  // Two processes starting together may both try; the loser sees a unique violation and moves on.
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(root);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

export async function schemaStatus(db: Database, schema: string, migrations: Migrations): Promise<SchemaStatus> {
  const { rows } = await sql<{
    found: string | null;
  }>`select to_regclass(${`${schema}.${migrationTable}`}) as found`.execute(db.root);
  const applied = rows[0]?.found
    ? (
        await db
          .forSchema<Record<typeof migrationTable, { name: string }>>(schema)
          .selectFrom(migrationTable)
          .select('name')
          .execute()
      ).map((r) => r.name)
    : [];
  const known = Object.keys(migrations);
  return {
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}

/**
 * Brings one service's schema up to date. Kysely's migrator holds a PostgreSQL advisory lock
 * while it runs, so several processes starting at once apply each migration exactly once.
 * A schema already migrated further by newer code is left alone: during a rolling deploy the old
 * code still runs on it (migrations only add what old code ignores).
 */
export async function migrateSchema(db: Database, schema: string, migrations: Migrations): Promise<string[]> {
  await createSchema(db.root, schema);
  const { pending, unknown } = await schemaStatus(db, schema, migrations);
  if (pending.length === 0) return [];
  if (unknown.length > 0) {
    throw new SchemaError(
      `The ${schema} schema has migrations this code does not know (${unknown.join(', ')}) and lacks some it knows (${pending.join(', ')}): run the code that applied them.`,
    );
  }
  const migrator = new Migrator({
    db: db.forSchema(schema),
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
