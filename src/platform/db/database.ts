import type { Kysely } from 'kysely';

/**
 * The database port. The same Kysely code runs on PostgreSQL and on embedded PGlite.
 * PGlite runs one query at a time: inside a transaction always use the transaction handle.
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /** A query builder whose unqualified table names resolve to the given schema. */
  forSchema<DB>(schema: string): Kysely<DB>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly root: Kysely<any>;
  /** Calls `listener` with the SQL of every statement run until the returned function is called. */
  observe(listener: (sql: string) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
