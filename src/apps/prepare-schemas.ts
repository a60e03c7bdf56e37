import type { Database } from '../platform/db/database.js';
import type { Logger } from '../platform/logging/logger.js';
import { migrateSchema, schemaStatus, SchemaError } from '../platform/db/migrate.js';
import { schemaMigrations, serviceNames, type RunnableService } from './service-catalogue.js';

/**
 * Migrates the schemas of the services a process runs, or, when migrating is a step of its own
 * (MIGRATE_ON_START=false), checks that it was done: a schema lacking migrations this code knows
 * stops the process with the command to run. Migrations this code does not know (newer code
 * applied them) are no reason to stop: a rolling deploy runs old code on the new schema a while.
 */
export async function prepareSchemas(
  db: Database,
  services: readonly RunnableService[],
  migrate: boolean,
  logger: Logger,
): Promise<void> {
  if (migrate) {
    for (const name of services) {
      const applied = await migrateSchema(db, name, schemaMigrations(name));
      if (applied.length > 0) logger.info({ service: name, applied }, 'migrations applied');
    }
    return;
  }
  const behind: RunnableService[] = [];
  for (const name of services) {
    if ((await schemaStatus(db, name, schemaMigrations(name))).pending.length > 0) behind.push(name);
  }
  if (behind.length === 0) return;
  const command = behind.length === 1 ? `emporium migrate ${behind[0]}` : 'emporium migrate';
  const whose = behind.length === 1 ? `The ${behind[0]} schema is` : `The schemas of ${behind.join(', ')} are`;
  throw new SchemaError(`${whose} behind this code and MIGRATE_ON_START is false: run \`${command}\` first`);
}

/** Services can use keys made here only when all of them run from this data directory. */
export const runsWholeShop = (services: readonly RunnableService[]): boolean =>
  serviceNames.every((name) => services.includes(name));
