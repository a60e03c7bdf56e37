import { readFileSync } from 'node:fs';
import { CompiledQuery, type Kysely } from 'kysely';

/**
 * A statement kept in a `.sql` file beside the repository that runs it: for the few hot
 * statements that read better as one SQL text than as a query-builder chain. Read once at start
 * and sent as written, with `$1, $2, ...` parameters; connect.ts prepares it once per connection.
 * Tables are named with their schema in the file, as the query builder's `withSchema` does not
 * reach raw text.
 */
export function sqlFile<Row>(url: URL): <DB>(db: Kysely<DB>, parameters: unknown[]) => Promise<Row[]> {
  const text = readFileSync(url, 'utf8');
  return async (db, parameters) => (await db.executeQuery<Row>(CompiledQuery.raw(text, parameters))).rows;
}
