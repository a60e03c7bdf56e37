import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/platform/db/connect.js';
import { createLogger } from '../../src/platform/logging/logger.js';
import { prepareSchemas } from '../../src/apps/prepare-schemas.js';
import { serviceNames } from '../../src/apps/service-catalogue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgliteMigratedTemplate: string;
    cliBuildDir: string;
  }
}

/**
 * Where the tests that run `emporium` in processes of its own find the production build, made
 * by the first of them (test/support/cli.ts): inside the project, where Node finds node_modules,
 * and apart from dist/, which is the operator's. A rerun in watch mode builds the sources again.
 */
function provideCliBuild(project: TestProject): () => void {
  const dir = join(project.config.root, '.test-build', `${process.pid}-${randomBytes(4).toString('hex')}`);
  project.provide('cliBuildDir', dir);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  project.onTestsRerun(remove);
  return remove;
}

/** Checkpointed first, so that each copy starts with no WAL to replay (a tenth of a second a load). */
async function dump(pglite: PGlite, file: string): Promise<void> {
  await pglite.exec('checkpoint');
  writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
}

/**
 * A fresh PGlite costs seconds (initdb), and migrating every service's schema a second more; loading
 * a dumped one costs half a second. So the empty cluster is made once per test run, then migrated
 * as every process migrates at start, and each is dumped: embedded-profile apps load a copy of the
 * migrated one (and find nothing to migrate), tests of the database alone a copy of the empty one.
 */
async function provideTemplates(project: TestProject, dir: string): Promise<void> {
  const pglite = await PGlite.create();
  const empty = join(dir, 'empty.tar');
  await dump(pglite, empty);
  project.provide('pgliteTemplate', empty);
  const db = await connectDatabase({ pglite });
  try {
    await prepareSchemas(db, serviceNames, true, createLogger({ logLevel: 'silent', logFormat: 'json' }));
  } finally {
    await db.close();
  }
  const migrated = join(dir, 'migrated.tar');
  await dump(pglite, migrated);
  await pglite.close();
  project.provide('pgliteMigratedTemplate', migrated);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'emporium-pglite-'));
  await provideTemplates(project, dir);
  const removeCliBuild = provideCliBuild(project);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    removeCliBuild();
  };
}
