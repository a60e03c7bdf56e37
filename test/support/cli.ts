import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { build } from '../../scripts/build.js';
import { deleteRedisKeys } from '../../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../../src/platform/messaging/rabbitmq-testing.js';
import { serviceNames } from '../../src/apps/service-catalogue.js';
import { placeEmptyDatabase } from './embedded-db.js';
import { createTestDatabase, realInfra, runId, type ProfileName } from './infra.js';

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * The production build of this test run, made by the first test that asks for it: test files
 * run side by side, so each builds aside and moves its build into place, and one that finds a
 * build there already uses that one.
 */
function builtCli(): string {
  const dir = inject('cliBuildDir');
  const cli = join(dir, 'apps', 'cli.js');
  if (existsSync(cli)) return cli;
  const aside = `${dir}-${randomBytes(4).toString('hex')}`;
  build(aside);
  try {
    renameSync(aside, dir);
  } catch (err) {
    rmSync(aside, { recursive: true, force: true });
    if (!existsSync(cli)) throw err;
  }
  return cli;
}

/** The command that runs `emporium` as it ships (`npm run build`): append the CLI's arguments. */
export function emporiumCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [builtCli()] };
}

/** `emporium <args>` as an operator runs it, in its own process. */
export function emporium(args: string[], env: NodeJS.ProcessEnv): Running {
  const { command, args: cli } = emporiumCommand();
  const child = spawn(command, [...cli, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

export async function readyAt(run: Running, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /ready at (http:\/\/[^\s]+)/.exec(run.output());
    if (match?.[1]) return match[1];
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready:\n${run.output()}`);
}

export const stopped = async (run: Running): Promise<number | null> => {
  run.child.kill('SIGTERM');
  return run.exited;
};

/**
 * The environment of CLI runs on one profile: a data directory of their own, holding an empty
 * embedded database on the embedded profile (test/cli.test.ts sees a first start make one), and
 * on the real profile a fresh database, Redis key prefix and broker names. `cleanup` removes them all.
 */
export async function cliEnvironment(
  profile: ProfileName,
  label: string,
): Promise<{ env: NodeJS.ProcessEnv; cleanup: () => Promise<void> }> {
  const cleanups: (() => Promise<void>)[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), `emporium-${label}-`));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  let env: NodeJS.ProcessEnv = { DATA_DIR: dataDir };
  if (profile === 'embedded') await placeEmptyDatabase(dataDir);
  if (profile === 'real') {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    const id = runId(label);
    env = {
      ...env,
      DATABASE_URL: database.url,
      REDIS_URL: realInfra.redisUrl,
      AMQP_URL: realInfra.amqpUrl,
      REDIS_KEY_PREFIX: `${id}:`,
      AMQP_PREFIX: id,
    };
    cleanups.push(
      () => deleteRedisKeys(realInfra.redisUrl, `${id}:`),
      () => deleteRabbitTopology(realInfra.amqpUrl, id, serviceNames),
    );
  }
  return {
    env,
    cleanup: async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}
