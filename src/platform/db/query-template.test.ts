import { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, realProfileEnabled } from '../../../test/support/infra.js';
import { connectDatabase } from './connect.js';
import type { Database } from './database.js';
import { queryTemplate } from './query-template.js';

const databases = realProfileEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

interface Tables {
  items: { id: string; kind: string; n: number };
}

describe.each(databases)('query templates (%s)', (kind) => {
  let db: Database;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    if (kind === 'pglite') {
      const pglite = new PGlite();
      db = await connectDatabase({ pglite });
      cleanups.push(() => pglite.close());
    } else {
      const created = await createTestDatabase();
      db = await connectDatabase({ databaseUrl: created.url, poolSize: 2 });
      cleanups.push(created.drop);
    }
    for (const schema of ['north', 'south']) {
      await sql`create schema ${sql.id(schema)}`.execute(db.root);
      await sql`create table ${sql.id(schema, 'items')} (id text primary key, kind text not null, n int not null)`.execute(db.root);
    }
  });
  afterAll(async () => {
    await db?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('builds once per schema and runs with new values each time, in the schema and transaction it is given', async () => {
    let builds = 0;
    const insert = queryTemplate<Tables, { id: string; n: number }>(['id', 'n'], (q, p) => {
      builds += 1;
      return q.insertInto('items').values({ id: p.id, kind: 'lamp', n: p.n });
    });
    const north = db.forSchema<Tables>('north');
    const south = db.forSchema<Tables>('south');
    await insert.execute(north, { id: 'a', n: 1 });
    await insert.execute(north, { id: 'b', n: 2 });
    await insert.execute(south, { id: 'a', n: 10 });
    await north.transaction().execute(async (trx) => {
      await insert.execute(trx, { id: 'c', n: 3 });
    });
    expect(builds).toBe(2);
    expect(await north.selectFrom('items').select(['id', 'kind', 'n']).orderBy('id').execute()).toEqual([
      { id: 'a', kind: 'lamp', n: 1 },
      { id: 'b', kind: 'lamp', n: 2 },
      { id: 'c', kind: 'lamp', n: 3 },
    ]);
    expect(await south.selectFrom('items').select(['id', 'n']).execute()).toEqual([{ id: 'a', n: 10 }]);
  });

  it('keeps the constants of the statement and takes a list as one array', async () => {
    const north = db.forSchema<Tables>('north');
    await north.insertInto('items').values([{ id: 'x1', kind: 'bulb', n: 7 }, { id: 'x2', kind: 'bulb', n: 8 }, { id: 'x3', kind: 'lamp', n: 9 }]).execute();
    const bulbs = queryTemplate<Tables, { ids: string[] }, { id: string; n: number }>(['ids'], (q, p) =>
      q.selectFrom('items').select(['id', 'n']).where('kind', '=', 'bulb').where('id', '=', sql<string>`any(${p.ids})`).orderBy('id'),
    );
    expect((await bulbs.execute(north, { ids: ['x1', 'x2', 'x3'] })).rows).toEqual([{ id: 'x1', n: 7 }, { id: 'x2', n: 8 }]);
    expect((await bulbs.execute(north, { ids: ['x2'] })).rows).toEqual([{ id: 'x2', n: 8 }]);
    expect((await bulbs.execute(north, { ids: [] })).rows).toEqual([]);
  });

  it('refuses, at its first run, a stand-in that did not become a parameter', async () => {
    const broken = queryTemplate<Tables, { n: number }>(['n'], (q: Kysely<Tables>, p) =>
      q.selectFrom('items').select('id').where('n', '=', sql<number>`${sql.raw(JSON.stringify(p))}::int`),
    );
    await expect(broken.execute(db.forSchema<Tables>('north'), { n: 1 })).rejects.toThrow(/n did not become parameters/);
  });
});
