import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';

/** An in-memory PGlite with an empty cluster, loaded from the run's template (see global-setup.ts). */
export async function createEmbeddedPglite(): Promise<PGlite> {
  return PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
}

/** An in-memory PGlite with every service's schema migrated, as `emporium migrate` leaves it. */
export async function createMigratedPglite(): Promise<PGlite> {
  return PGlite.create({ loadDataDir: new Blob([readFileSync(inject('pgliteMigratedTemplate'))]) });
}

/**
 * Writes the empty cluster where `emporium` keeps its embedded database under `dataDir`: what its
 * first start would make, without the seconds initdb takes in every process that tests it.
 */
export async function placeEmptyDatabase(dataDir: string): Promise<void> {
  const pglite = await PGlite.create(join(dataDir, 'pglite'), {
    loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]),
  });
  await pglite.close();
}
