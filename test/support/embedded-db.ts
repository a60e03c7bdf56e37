import { readFileSync } from 'node:fs';
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
