import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, realProfileEnabled } from '../../../test/support/infra.js';
import { connectDatabase } from './connect.js';
import type { Database } from './database.js';

const databases = realProfileEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

async function withDatabase(kind: (typeof databases)[number], use: (db: Database) => Promise<void>): Promise<void> {
  if (kind === 'pglite') {
    const pglite = new PGlite();
    const db = await connectDatabase({ pglite });
    await use(db).finally(async () => {
      await db.close();
      await pglite.close();
    });
    return;
  }
  const created = await createTestDatabase();
  const db = await connectDatabase({ databaseUrl: created.url, poolSize: 1 });
  await use(db).finally(async () => {
    await db.close();
    await created.drop();
  });
}

describe.each(databases)('database connection (%s)', (kind) => {
  it('runs a statement with parameters again and again with the right answers; PostgreSQL prepares it once per connection', async () => {
    await withDatabase(kind, async (db) => {
      const plusOne = (n: number) => sql<{ n: number }>`select ${n}::int + 1 as n`.execute(db.root);
      expect((await plusOne(1)).rows).toEqual([{ n: 2 }]);
      expect((await plusOne(41)).rows).toEqual([{ n: 42 }]);
      await sql`select 1`.execute(db.root);
      const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(db.root);
      // Only connections to a PostgreSQL server name their statements.
      expect(prepared.rows.map((r) => r.statement)).toEqual(kind === 'postgres' ? ['select $1::int + 1 as n'] : []);
    });
  });
});
