import { sql } from 'kysely';
import type { TestApp } from '../test-app.js';

/**
 * Tables a refused request may write by design: checkout keeps its answers, refusals included,
 * so that a retry with the same Idempotency-Key gets the same refusal (API.md, Idempotency).
 */
const answersKeptForReplay = new Set(['orders.idempotency_keys']);

export type Snapshot = Map<string, string>;

/**
 * Counts, per table, every row that committed transactions insert, update or delete, and returns
 * a function reading those counts together with the carts of the given users (which live in the
 * key-value store). Comparing the rows themselves before and after each request would cost a
 * scan of every table; a row trigger costs nothing until something writes, and a transaction
 * rolled back takes its counts with it.
 */
export async function snapshotter(app: TestApp, cartOwners: string[]): Promise<() => Promise<Snapshot>> {
  const { db, kv } = app.infrastructure;
  const services = [...app.services.keys()];
  await sql`create table public.test_row_writes (name text primary key, n bigint not null)`.execute(db.root);
  await sql`
    create function public.test_count_row_write() returns trigger language plpgsql as $$
    begin
      insert into public.test_row_writes values (tg_table_schema || '.' || tg_table_name, 1)
        on conflict (name) do update set n = public.test_row_writes.n + 1;
      return null;
    end $$`.execute(db.root);
  const tables = await sql<{ schema: string; table: string }>`
    select table_schema as schema, table_name as table from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema in (${sql.join(services)}) and table_name not like 'kysely_migration%'`.execute(
    db.root,
  );
  for (const { schema, table } of tables.rows) {
    if (answersKeptForReplay.has(`${schema}.${table}`)) continue;
    await sql`create trigger test_count_row_writes after insert or update or delete on ${sql.table(`${schema}.${table}`)}
      for each row execute function public.test_count_row_write()`.execute(db.root);
  }
  return async () => {
    const [writes, carts] = await Promise.all([
      sql<{ name: string; n: number }>`select name, n from public.test_row_writes`.execute(db.root),
      kv.getMany(cartOwners.map((id) => `cart:${id}`)),
    ]);
    const snapshot: Snapshot = new Map(writes.rows.map((r) => [`rows written to ${r.name}`, String(r.n)]));
    cartOwners.forEach((id, i) => snapshot.set(`cart of ${id}`, carts[i] ?? 'empty'));
    return snapshot;
  };
}

/** What differs between two snapshots, for a failure message. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  return [...after.keys()]
    .filter((key) => before.get(key) !== after.get(key))
    .map((key) => `${key}: ${before.get(key) ?? 0} → ${after.get(key)}`);
}
