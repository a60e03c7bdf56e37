import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src');
/** What src/ holds for the tests alone. */
const testOnly = /(\.test|\.contract|-testing)\.ts$/;

/**
 * The production build: src/ as JavaScript in `outDir` (same layout, `apps/cli.js` the CLI), for
 * Node to run without tsx. Each file is transpiled apart, not bundled, so stack traces name the
 * source files. esbuild only strips the types (`npm run typecheck` checks them), in about a
 * second where tsc, checking them, takes fifteen. Files other than TypeScript are copied as they
 * are. `outDir` must sit inside the project, where Node finds node_modules.
 */
export function build(outDir: string): void {
  const files = readdirSync(source, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !testOnly.test(entry.name))
    .map((entry) => relative(source, join(entry.parentPath, entry.name)));
  rmSync(outDir, { recursive: true, force: true });
  buildSync({
    entryPoints: files.filter((file) => file.endsWith('.ts')).map((file) => join(source, file)),
    outdir: outDir,
    outbase: source,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    logLevel: 'warning',
  });
  for (const file of files.filter((name) => !name.endsWith('.ts'))) {
    mkdirSync(dirname(join(outDir, file)), { recursive: true });
    copyFileSync(join(source, file), join(outDir, file));
  }
}

// `npm run build`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) build(join(root, 'dist'));
