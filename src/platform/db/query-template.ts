import { createQueryId, type Compilable, type CompiledQuery, type Kysely, type KyselyPlugin, type QueryResult } from 'kysely';

/** Stands for a parameter while a template is built; replaced by the value given at each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** Where each parameter of the compiled statement comes from: a named value, or a constant of the statement. */
type Source = { name: string } | { constant: unknown };

interface Compiled {
  sql: string;
  sources: Source[];
  query: CompiledQuery['query'];
}

export interface QueryTemplate<DB, P extends Record<string, unknown>, O> {
  /** Runs the statement with `params` on `db` or a transaction of it. */
  execute(db: Kysely<DB>, params: P): Promise<QueryResult<O>>;
}

const noPlugin = {};

/**
 * A statement built and compiled by Kysely once per schema, then run again and again with new
 * values. On a busy checkout path, building a statement (and the schema plugin rewriting every
 * node of it) costs more CPU than sending it; the text stays the same, so PostgreSQL reuses the
 * statement prepared on each connection too.
 *
 * `build` receives stand-ins for the parameters. Each must be used as a value only, one SQL
 * parameter: never read, compared or spread (a list goes in as one array, `= any(...)`, or as
 * JSON). Everything else in the statement is fixed at its first use. A stand-in that does not end
 * up as a parameter fails that first use.
 */
export function queryTemplate<DB, P extends Record<string, unknown>, O = unknown>(
  names: readonly (keyof P & string)[],
  build: (db: Kysely<DB>, params: P) => Compilable<O>,
): QueryTemplate<DB, P, O> {
  // One compiled text per schema: the schema is a plugin of the query builder (`withSchema`).
  const compiled = new WeakMap<object, Compiled>();

  const compile = (db: Kysely<DB>, plugins: readonly KyselyPlugin[]): Compiled => {
    if (plugins.length > 1) throw new Error('query templates support one plugin (withSchema) at most');
    const slots = Object.fromEntries(names.map((name) => [name, new Slot(name)])) as unknown as P;
    const query = build(db, slots).compile();
    const sources: Source[] = query.parameters.map((value) => (value instanceof Slot ? { name: value.name } : { constant: value }));
    const missing = names.filter((name) => !sources.some((s) => 'name' in s && s.name === name));
    if (missing.length > 0) throw new Error(`query template: ${missing.join(', ')} did not become parameters of ${query.sql}`);
    return { sql: query.sql, sources, query: query.query };
  };

  return {
    async execute(db, params) {
      const plugins = db.getExecutor().plugins;
      const key = plugins[0] ?? noPlugin;
      let statement = compiled.get(key);
      if (!statement) {
        statement = compile(db, plugins);
        compiled.set(key, statement);
      }
      const parameters = statement.sources.map((s) => ('name' in s ? params[s.name] : s.constant));
      return db.executeQuery<O>({ sql: statement.sql, parameters, query: statement.query, queryId: createQueryId() });
    },
  };
}
