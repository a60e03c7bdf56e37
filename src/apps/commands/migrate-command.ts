import type { Config } from '../../platform/config/config-schema.js';
import { connectDatabase } from '../../platform/db/connect.js';
import { migrateSchema } from '../../platform/db/migrate.js';
import { isServiceName, schemaMigrations, serviceNames } from '../service-catalogue.js';

/**
 * `migrate [service]`: brings schemas up to date as a step of its own (a deploy's migration Job),
 * with nothing but the database's settings. Safe beside running processes and other migrations:
 * Kysely's migrator holds an advisory lock while it applies them.
 */
export async function migrateCommand(config: Config, args: string[]): Promise<number> {
  const [target, ...extra] = args;
  if (extra.length > 0 || (target !== undefined && !isServiceName(target))) {
    process.stderr.write(
      `Unknown service "${args.join(' ')}". Choose one of: ${serviceNames.join(', ')}, or none for all.\n`,
    );
    return 2;
  }
  const services = target === undefined ? serviceNames : [target];
  const db = await connectDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
    onProgress: (message) => process.stdout.write(`${message}\n`),
  });
  try {
    for (const name of services) {
      const applied = await migrateSchema(db, name, schemaMigrations(name));
      process.stdout.write(applied.length > 0 ? `${name}: applied ${applied.join(', ')}\n` : `${name}: up to date\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
}
