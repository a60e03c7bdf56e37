import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { Database, Lane } from './database.js';
import { lockDataDir } from './data-dir-lock.js';

/** How every pool of this process parses columns: int8 (counts, sums) as numbers, as amounts are minor units well inside 2^53. */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

function wrap(
  kind: Database['kind'],
  pools: { requests: PostgresPool; background?: PostgresPool },
  onClose: () => Promise<void>,
): Database {
  const listeners = new Set<(sql: string) => void>();
  const kysely = (pool: PostgresPool) =>
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    new Kysely<any>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => listeners.forEach((listener) => listener(event.query.sql)),
    });
  const root = kysely(pools.requests);
  const background = pools.background ? kysely(pools.background) : root;
  return {
    kind,
    root,
    forSchema: <DB>(schema: string, lane: Lane = 'requests') =>
      (lane === 'background' ? background : root).withSchema(schema) as unknown as Kysely<DB>,
    observe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ping: async () => {
      await sql`select 1`.execute(root);
    },
    close: async () => {
      await root.destroy();
      if (background !== root) await background.destroy();
      await onClose();
    },
  };
}

/** Most SQL texts one process prepares; lists of varying length make many texts run rarely. */
const preparedTexts = 500;

/**
 * The pool as Kysely draws from it, running each SQL text with parameters as a named statement, so
 * PostgreSQL parses and plans it once per connection instead of at every call (a fifth of its time
 * in a checkout). Texts past `preparedTexts` stay unnamed, so no connection holds an unbounded
 * number of statements. Statements without parameters (BEGIN, COMMIT, migrations) keep the simple
 * protocol.
 */
function preparingStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < preparedTexts) names.set(text, (name = `emporium_${names.size}`));
    return name;
  };
  // One adapter per connection, so that Kysely, which keys its own state by client, sees each connection once.
  const adapters = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const adapt = (client: pg.PoolClient): PostgresPoolClient => {
    let statementsStale = false;
    const query = async (text: string, values: unknown[]) => {
      const name = values.length > 0 ? nameOf(text) : undefined;
      if (name === undefined) return client.query(text, values);
      return client.query({ name, text, values }).catch((err: unknown) => {
        // A table changed under its prepared statements (a migration by a newer process): this
        // call fails, and the connection is closed on release so that the next calls prepare afresh.
        if ((err as { code?: string }).code === '0A000') statementsStale = true;
        throw err;
      });
    };
    // The dialect has no cursor configured, so Kysely never calls the cursor form of `query`.
    return {
      query: query as unknown as PostgresPoolClient['query'],
      release: (destroy) => client.release(destroy === true || statementsStale),
    };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let adapter = adapters.get(client);
      if (adapter === undefined) adapters.set(client, (adapter = adapt(client)));
      return adapter;
    },
    end: () => pool.end(),
  };
}

export interface ConnectOptions {
  databaseUrl?: string | undefined;
  poolSize?: number;
  /** Connections kept for background work (consumers, relays, workers), so that it never queues behind requests; none: it shares the pool. */
  backgroundPoolSize?: number;
  dataDir?: string;
  /** A ready PGlite instance (tests load one from a migrated template). */
  pglite?: PGlite;
  onProgress?: (message: string) => void;
}

export async function connectDatabase(options: ConnectOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = (max: number) => {
      const created = new pg.Pool({ connectionString: options.databaseUrl, max, types });
      created.on('error', () => undefined);
      return preparingStatements(created);
    };
    const background = options.backgroundPoolSize ? pool(options.backgroundPoolSize) : undefined;
    return wrap('postgres', { requests: pool(options.poolSize ?? 10), background }, async () => undefined);
  }
  if (options.pglite) {
    const pool = new pg.Pool({ ...createPgConfig(options.pglite), max: 1, types });
    return wrap('pglite', { requests: pool }, async () => undefined);
  }
  const dir = options.dataDir ?? 'data';
  const unlock = lockDataDir(dir);
  try {
    const pgDir = join(dir, 'pglite');
    if (!existsSync(join(pgDir, 'PG_VERSION')))
      options.onProgress?.(`Creating the embedded database in ${pgDir} (first start only)...`);
    const pglite = await PGlite.create(pgDir);
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1, types });
    return wrap('pglite', { requests: pool }, async () => {
      await pglite.close();
      unlock();
    });
  } catch (err) {
    unlock();
    throw err;
  }
}
