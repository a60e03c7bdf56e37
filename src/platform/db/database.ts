import type { Kysely } from 'kysely';

/** Which connections a query builder uses: those of requests (the default) or of background work. */
export type Lane = 'requests' | 'background';

/**
 * The database port. The same Kysely code runs on PostgreSQL and on embedded PGlite.
 * PGlite runs one query at a time: inside a transaction always use the transaction handle.
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  /**
   * A query builder whose unqualified table names resolve to the given schema. Background work
   * (consumers, relays, workers) may have connections of its own: queued behind a busy shop's
   * requests, every step of a checkout's saga waits its turn.
   */
  forSchema<DB>(schema: string, lane?: Lane): Kysely<DB>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly root: Kysely<any>;
  /** Calls `listener` with the SQL of every statement run until the returned function is called. */
  observe(listener: (sql: string) => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}
