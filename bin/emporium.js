#!/usr/bin/env node
// The `emporium` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/apps/cli.ts');
