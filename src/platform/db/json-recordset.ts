import { sql, type AliasedRawBuilder } from 'kysely';

/**
 * Rows sent as one jsonb parameter, already JSON text (stringified, as node-postgres would send
 * a top-level array as a PostgreSQL array), and read back as a table (`jsonb_to_recordset`), for
 * statements that change many rows at once, e.g.
 * `db.updateTable('t').from(recordsetOfJson('v', { id: 'text', n: 'int' }, json)).set(...).whereRef('t.id', '=', 'v.id')`.
 * One parameter whatever the number of rows, so the statement keeps one text that PostgreSQL
 * prepares once per connection (connect.ts), and each column has the SQL type given (an untyped
 * VALUES list would read them all as text).
 */
export function recordsetOfJson<R extends Record<string, unknown>, A extends string>(
  alias: A,
  columns: { [K in keyof R & string]: string },
  json: string,
): AliasedRawBuilder<R, A> {
  const definition = sql.join(Object.entries(columns).map(([name, type]) => sql`${sql.ref(name)} ${sql.raw(type)}`));
  return sql<R>`jsonb_to_recordset(${json}::jsonb)`.as<A>(sql`${sql.ref(alias)}(${definition})`);
}
