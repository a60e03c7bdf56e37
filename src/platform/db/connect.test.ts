import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEmbeddedPglite } from '../../../test/support/embedded-db.js';
import { createTestDatabase, realProfileEnabled } from '../../../test/support/infra.js';
import { connectDatabase } from './connect.js';
import type { Database } from './database.js';

const databases = realProfileEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

async function withDatabase(kind: (typeof databases)[number], use: (db: Database) => Promise<void>): Promise<void> {
  if (kind === 'pglite') {
    const pglite = await createEmbeddedPglite();
    const db = await connectDatabase({ pglite });
    await use(db).finally(async () => {
      await db.close();
      await pglite.close();
    });
    return;
  }
  const created = await createTestDatabase();
  const db = await connectDatabase({ databaseUrl: created.url, poolSize: 1, backgroundPoolSize: 1 });
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

  it('reads int8 (counts, sums) as numbers, leaving other clients of the process alone', async () => {
    await withDatabase(kind, async (db) => {
      const counted = await sql<{ n: unknown }>`select count(*) as n from (values (1), (2)) as v(x)`.execute(db.root);
      expect(counted.rows).toEqual([{ n: 2 }]);
      expect(pg.types.getTypeParser(pg.types.builtins.INT8)('2')).toBe('2');
    });
  });

  it('answers with the new columns once a table changed under a statement run before', async () => {
    await withDatabase(kind, async (db) => {
      await sql`create table things (id int primary key)`.execute(db.root);
      await sql`insert into things values (1)`.execute(db.root);
      const thing = () => sql<Record<string, unknown>>`select * from things where id = ${1}`.execute(db.root);
      expect((await thing()).rows).toEqual([{ id: 1 }]);
      expect((await thing()).rows).toEqual([{ id: 1 }]);
      await sql`alter table things add column name text default 'mug'`.execute(db.root);
      // A statement prepared before the change may fail once; the connection then prepares afresh.
      await thing().catch(() => undefined);
      expect((await thing()).rows).toEqual([{ id: 1, name: 'mug' }]);
    });
  });

  // The embedded database is one connection for everything.
  if (kind === 'postgres')
    it('keeps connections for background work that busy requests cannot hold up', async () => {
      await withDatabase(kind, async (db) => {
        let finishRequest: () => void = () => undefined;
        const requestHolds = new Promise<void>((resolve) => (finishRequest = resolve));
        let requestStarted: () => void = () => undefined;
        const started = new Promise<void>((resolve) => (requestStarted = resolve));
        // A request keeps the one request connection in a transaction.
        const request = db
          .forSchema('public')
          .transaction()
          .execute(async (trx) => {
            await sql`select 1`.execute(trx);
            requestStarted();
            await requestHolds;
          });
        await started;
        const waiting = sql<{ n: number }>`select 1 as n`.execute(db.forSchema('public'));
        const background = await sql<{ n: number }>`select 2 as n`.execute(db.forSchema('public', 'background'));
        expect(background.rows).toEqual([{ n: 2 }]);
        const raced = await Promise.race([
          waiting.then(() => 'ran'),
          new Promise((r) => setTimeout(() => r('queued'), 200)),
        ]);
        expect(raced).toBe('queued');
        finishRequest();
        await request;
        expect((await waiting).rows).toEqual([{ n: 1 }]);
      });
    });
});
