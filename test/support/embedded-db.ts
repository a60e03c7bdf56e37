import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';

/** An in-memory PGlite loaded from the run's template (see global-setup.ts). */
export async function createEmbeddedPglite(): Promise<PGlite> {
  const template = readFileSync(inject('pgliteTemplate'));
  return PGlite.create({ loadDataDir: new Blob([template]) });
}
