import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
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

/**
 * A fresh PGlite costs seconds (initdb); loading a dumped one costs half a second. The empty
 * cluster is made once per test run and every embedded-profile app loads a copy.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'emporium-pglite-'));
  const pglite = await PGlite.create();
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
  const removeCliBuild = provideCliBuild(project);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    removeCliBuild();
  };
}
