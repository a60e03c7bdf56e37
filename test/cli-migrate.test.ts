import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../src/platform/db/connect.js';
import { migrateSchema } from '../src/platform/db/migrate.js';
import { schemaMigrations, serviceNames } from '../src/apps/service-catalogue.js';
import { profiles } from './support/infra.js';
import { cliEnvironment, emporium, readyAt, stopped } from './support/cli.js';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** What a process printed, as lines. */
const linesOf = (output: string) => output.trim().split('\n');

describe.each(profiles)('emporium migrate and schema checks at start (%s profile)', (profile) => {
  let env: NodeJS.ProcessEnv;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env, cleanup } = await cliEnvironment(profile, 'migrate'));
  });
  afterAll(() => cleanup?.());

  it('migrates one service, refuses a service behind its migrations, then migrates the rest, with no signing key', async () => {
    const catalog = emporium(['migrate', 'catalog'], env);
    expect(await catalog.exited).toBe(0);
    expect(catalog.output()).toMatch(/^catalog: applied 0000_messaging_01_tables, 0001_catalog_01_products/m);
    expect(catalog.output()).not.toMatch(/^(identity|cart|orders|payments|notifications):/m);

    const unknown = emporium(['migrate', 'catalogue'], env);
    expect(await unknown.exited).toBe(2);
    expect(linesOf(unknown.output())).toEqual([
      `Unknown service "catalogue". Choose one of: ${serviceNames.join(', ')}, or none for all.`,
    ]);

    const off = { ...env, MIGRATE_ON_START: 'false', JWT_PUBLIC_KEY: publicPem };
    const orders = emporium(['start', 'orders'], {
      ...off,
      CATALOG_URL: 'http://127.0.0.1:1',
      CART_URL: 'http://127.0.0.1:1',
    });
    expect(await orders.exited).toBe(1);
    expect(linesOf(orders.output())).toEqual([
      'emporium: The orders schema is behind this code and MIGRATE_ON_START is false: run `emporium migrate orders` first',
    ]);
    const migrated = emporium(['start', 'catalog'], off);
    await readyAt(migrated);
    expect(await stopped(migrated)).toBe(0);

    // The per-service setup, with only the public key, as before; and nothing made in its place.
    const rest = emporium(['migrate'], { ...env, JWT_PUBLIC_KEY: publicPem });
    expect(await rest.exited).toBe(0);
    expect(rest.output()).toMatch(/^catalog: up to date$/m);
    for (const name of serviceNames.filter((s) => s !== 'catalog'))
      expect(rest.output()).toMatch(new RegExp(`^${name}: applied 0000_messaging_01_tables`, 'm'));
    const again = emporium(['migrate'], env);
    expect(await again.exited).toBe(0);
    expect(linesOf(again.output())).toEqual(serviceNames.map((name) => `${name}: up to date`));
    expect(existsSync(join(env.DATA_DIR ?? '', 'keys'))).toBe(false);

    const orderly = emporium(['start', 'orders'], {
      ...off,
      CATALOG_URL: 'http://127.0.0.1:1',
      CART_URL: 'http://127.0.0.1:1',
    });
    await readyAt(orderly);
    expect(await stopped(orderly)).toBe(0);
  }, 300_000);

  it('starts on a schema that newer code migrated further, as a rolling deploy runs old code meanwhile', async () => {
    const db = await connectDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR ?? '' });
    try {
      await migrateSchema(db, 'catalog', schemaMigrations('catalog'));
      await sql`insert into catalog.kysely_migration (name, timestamp) values ('9999_catalog_from_newer_code', ${new Date().toISOString()})`.execute(
        db.root,
      );
    } finally {
      await db.close();
    }
    for (const migrate of ['true', 'false']) {
      const run = emporium(['start', 'catalog'], { ...env, MIGRATE_ON_START: migrate, JWT_PUBLIC_KEY: publicPem });
      await readyAt(run, 150_000);
      expect({ exit: await stopped(run), output: run.output() }).toMatchObject({ exit: 0 });
    }
  }, 180_000);

  // Signing keys are checked before any store is opened: what the profile would change comes later.
  if (profile === 'embedded')
    it('refuses with one line a process whose signing key is missing or wrong', async () => {
      const otherPublicPem = generateKeyPairSync('ed25519')
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString();
      const cases: [string[], NodeJS.ProcessEnv, string][] = [
        [
          ['start', 'identity'],
          {},
          'JWT_PRIVATE_KEY must be set: identity signs access tokens here for processes running apart, which verify them with JWT_PUBLIC_KEY',
        ],
        [
          ['start', 'identity'],
          { JWT_PUBLIC_KEY: publicPem },
          'JWT_PRIVATE_KEY must be set: identity signs access tokens in this process, and JWT_PUBLIC_KEY only verifies them',
        ],
        [
          ['start', 'catalog'],
          {},
          'JWT_PUBLIC_KEY must be set: catalog verifies access tokens signed by identity in another process',
        ],
        [
          ['start', 'gateway'],
          {},
          'JWT_PUBLIC_KEY must be set: the gateway verifies access tokens signed by identity in another process',
        ],
        [
          ['start', 'catalog'],
          { JWT_PUBLIC_KEY: 'not a key' },
          'JWT_PUBLIC_KEY is not a public key in PEM (write line breaks as "\\n" on one line)',
        ],
        [
          ['start'],
          { JWT_PRIVATE_KEY: privatePem, JWT_PUBLIC_KEY: otherPublicPem },
          'JWT_PUBLIC_KEY is not the public half of JWT_PRIVATE_KEY',
        ],
      ];
      const runs = cases.map(([args, keys]) => emporium(args, { ...env, ...keys }));
      for (const [i, run] of runs.entries()) {
        expect(await run.exited).toBe(1);
        expect(linesOf(run.output())).toEqual([`emporium: ${cases[i]?.[2]}`]);
      }
    }, 120_000);
});
