#!/usr/bin/env node
// The `emporium` command: runs the production build (`npm run build`) when there is one, and
// otherwise the TypeScript sources through tsx's loader. Rebuild after changing the sources.
import { existsSync } from 'node:fs';

const built = new URL('../dist/apps/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/apps/cli.ts');
}
