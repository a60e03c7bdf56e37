import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The real-infrastructure profile runs when EMPORIUM_TEST_REAL=1 (CI sets it). Then a server that
 * does not answer fails the tests; it is never skipped.
 */
export const realProfileEnabled = process.env.EMPORIUM_TEST_REAL === '1';

export const realInfra = {
  postgresAdminUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqpUrl: process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

export type ProfileName = 'embedded' | 'real';

/** The profiles every behaviour suite runs on: embedded always, real when switched on. */
export const profiles: ProfileName[] = realProfileEnabled ? ['embedded', 'real'] : ['embedded'];

/** A name unique to this test run, for databases, Redis key prefixes and broker queues. */
export function runId(label = 't'): string {
  return `${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A fresh PostgreSQL database for one suite; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `emporium_${runId()}`.toLowerCase();
  const admin = new pg.Client({ connectionString: realInfra.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(realInfra.postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: realInfra.postgresAdminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
