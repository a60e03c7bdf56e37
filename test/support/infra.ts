import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/platform/config/config-schema.js';

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

/** `split` is the distributed layout (every service its own process) on the real profile. */
export type ProfileName = 'embedded' | 'real' | 'split';

/** The profiles every behaviour suite runs on: embedded always, real when switched on. */
export const profiles: ProfileName[] = realProfileEnabled ? ['embedded', 'real'] : ['embedded'];

/**
 * The profiles, and the split layout with the real one: for the suites whose behaviour through
 * the gateway must not depend on how the services are laid out (journeys, checkout, idempotency,
 * orders, emails). The split layout needs shared servers, so it never runs embedded.
 */
export const layouts: ProfileName[] = realProfileEnabled ? [...profiles, 'split'] : profiles;

/** What every test process runs with: quiet, no demo data, limits out of the way, fast retries and hashes. */
export const testConfig = {
  logLevel: 'silent',
  // Any free port, should a test listen: runs side by side must not contend for one.
  metricsPort: 0,
  seedDemoData: false,
  rateLimitPerHour: 1_000_000,
  eventRetryBaseMs: 10,
  eventRetryAttempts: 3,
  outboxPollMs: 50,
  // Argon2 at a fiftieth of the production memory: hundreds of sign-ups cost no more than a few.
  // Tests that need the production cost ask for it; vitest.config.ts sets the same for processes.
  passwordHashMemoryKib: 1024,
} as const satisfies Partial<Config>;

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
