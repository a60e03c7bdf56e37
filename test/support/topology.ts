import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningKeys } from '../../src/platform/auth/signing-keys.js';
import { deleteRedisKeys } from '../../src/platform/kv/redis-testing.js';
import { deleteRabbitTopology } from '../../src/platform/messaging/rabbitmq-testing.js';
import { serviceNames, type RunnableService } from '../../src/apps/service-catalogue.js';
import { emporiumCommand, readyAt, type Running } from './cli.js';
import { freePort } from './free-port.js';
import { createTestDatabase, realInfra, runId } from './infra.js';
import { startNginx } from './nginx.js';

/** What one process of the topology runs: the gateway or one service. */
export type Role = 'gateway' | RunnableService;

/** How many processes of each role; one of each unless said otherwise. */
export type TopologySize = { gateways?: number } & Partial<Record<RunnableService, number>>;

export interface TopologyOptions extends TopologySize {
  /** Settings for every process (SMTP_URL, retry delays, ...), over the topology's own. */
  env?: NodeJS.ProcessEnv;
  /** The command that runs `emporium` (its arguments are appended): the test run's production build unless said. */
  cli?: { command: string; args: string[] };
}

export interface Instance {
  role: Role;
  /** 0-based, among the processes of its role. */
  index: number;
  url: string;
  /** Whether its process runs (it may still be starting). */
  readonly running: boolean;
  /** Its process, while it runs. */
  readonly pid: number | undefined;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Topology {
  /** nginx, in front of every gateway: the address clients use. */
  entryUrl: string;
  /** The database every service shares (each keeps to its own schema). */
  databaseUrl: string;
  /** An admin account made by identity at its first start. */
  admin: { email: string; password: string };
  instances: readonly Instance[];
  /** Sends `signal` to one process and resolves once it exited. */
  kill(role: Role, index: number, signal?: NodeJS.Signals): Promise<Exit>;
  /** Starts a process that exited again, at the same address, and resolves once it is ready. */
  restart(role: Role, index: number): Promise<void>;
  /** nginx's error log: the gateways it could not reach, and when. */
  nginxErrors(): string;
  /** What a process printed (warnings and errors as JSON lines), across its restarts. */
  output(role: Role, index: number): string;
  /** Stops nginx and every process, and removes the database, Redis keys and broker names. */
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const urlVariable: Record<RunnableService, string> = {
  identity: 'IDENTITY_URL',
  catalog: 'CATALOG_URL',
  cart: 'CART_URL',
  orders: 'ORDERS_URL',
  payments: 'PAYMENTS_URL',
  notifications: 'NOTIFICATIONS_URL',
};

/** Longest a process gets between SIGTERM and SIGKILL when the topology stops: its drain, and a margin. */
const stopGraceMs = 15_000;

interface Member extends Instance {
  env: NodeJS.ProcessEnv;
  run: Running | undefined;
  log: string;
}

type Placement = Pick<Instance, 'role' | 'index'> & { port: number };

/** Runs `emporium <args>` without npm in between, so that the process signalled is Emporium's; with the young generation `npm start` gives. */
type Launcher = (args: string[]) => { command: string; args: string[] };

/**
 * The distributed layout on 127.0.0.1 as an operator runs it: `emporium migrate` once, then every
 * gateway and service instance as an OS process of its own (`emporium start <role>`) with
 * MIGRATE_ON_START=false, nginx (deploy/nginx) in front of the gateways. They share a fresh
 * PostgreSQL database, a Redis key prefix and broker names of their own, and nothing else: each
 * has its own DATA_DIR, identity alone holds the private signing key, the others the public one,
 * and every *_URL lists all instances of its service. Ports are chosen up front, so a restarted
 * process comes back at the address its peers know.
 */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  const id = runId('topology');
  const cli = options.cli ?? emporiumCommand();
  const launch: Launcher = (args) => ({
    command: cli.command,
    args: ['--max-semi-space-size=64', ...cli.args, ...args],
  });
  const processes = new MemberProcesses(launch);
  const cleanups: (() => Promise<void>)[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const stop = async () => {
    await nginx?.stop();
    nginx = undefined;
    await processes.stop();
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    const database = await createTestDatabase();
    cleanups.push(database.drop);
    cleanups.push(
      () => deleteRedisKeys(realInfra.redisUrl, `${id}:`),
      () => deleteRabbitTopology(realInfra.amqpUrl, id, serviceNames),
    );
    const shared = sharedEnv(id, database.url);
    await migrate(launch, shared);
    const admin = { email: `admin-${id}@example.com`.toLowerCase(), password: 'topology admin password' };
    const signingEnv = signingEnvOf(admin);
    const placements = await place(options);
    const peers = peerUrls(placements);
    for (const placement of placements) {
      const dataDir = mkdtempSync(join(tmpdir(), `emporium-${placement.role}-`));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const env = {
        ...shared,
        ...peers,
        ...instanceEnv(placement.port, dataDir),
        ...signingEnv(placement.role),
        ...options.env,
      };
      processes.add(newMember(placement, env));
    }
    await Promise.all(processes.members.map((member) => processes.start(member)));
    const entry = await startNginx(processes.members.filter((m) => m.role === 'gateway').map((m) => m.url));
    nginx = entry;
    return {
      entryUrl: entry.url,
      databaseUrl: database.url,
      admin,
      instances: processes.members,
      kill: (role, index, signal = 'SIGKILL') => processes.kill(role, index, signal),
      restart: (role, index) => processes.restart(role, index),
      nginxErrors: () => entry.errorLog(),
      output: (role, index) => processes.find(role, index).log,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The topology's OS processes: started, signalled and restarted one by one, stopped all together. */
class MemberProcesses {
  readonly members: Member[] = [];
  private readonly killAll = () => {
    for (const member of this.members) signal(member, 'SIGKILL');
  };

  constructor(private readonly launch: Launcher) {
    // Should the test runner go down without stopping the topology, its processes go with it.
    process.once('exit', this.killAll);
  }

  add(member: Member): void {
    this.members.push(member);
  }

  find(role: Role, index: number): Member {
    const member = this.members.find((m) => m.role === role && m.index === index);
    if (!member) throw new Error(`no ${role} instance ${index} in this topology`);
    return member;
  }

  async start(member: Member): Promise<void> {
    const { command, args } = this.launch(['start', member.role]);
    // A process group of its own, so that a signal reaches it and nothing else of the test's.
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: member.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const start = member.log.length;
    const append = (chunk: Buffer) => (member.log += chunk.toString());
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    member.run = { child, output: () => member.log.slice(start), exited };
    await readyAt(member.run, 120_000);
  }

  async kill(role: Role, index: number, name: NodeJS.Signals): Promise<Exit> {
    const member = this.find(role, index);
    const run = member.run;
    if (!run || !member.running) throw new Error(`${role} ${index} is not running`);
    signal(member, name);
    const code = await run.exited;
    return { code, signal: run.child.signalCode };
  }

  async restart(role: Role, index: number): Promise<void> {
    const member = this.find(role, index);
    if (member.running) throw new Error(`${role} ${index} is still running`);
    await this.start(member);
  }

  /** SIGTERM to every process that runs, and SIGKILL to those still there after the grace. */
  async stop(): Promise<void> {
    const running = this.members.filter((m) => m.running);
    for (const member of running) signal(member, 'SIGTERM');
    const grace = setTimeout(this.killAll, stopGraceMs);
    await Promise.all(running.map((m) => m.run?.exited));
    clearTimeout(grace);
    process.off('exit', this.killAll);
  }
}

function signal(member: Member, name: NodeJS.Signals): void {
  const pid = member.run?.child.pid;
  if (pid === undefined || member.run?.child.exitCode !== null || member.run.child.signalCode !== null) return;
  try {
    process.kill(-pid, name);
  } catch {
    // Exited meanwhile.
  }
}

function newMember({ role, index, port }: Placement, env: NodeJS.ProcessEnv): Member {
  return {
    role,
    index,
    url: `http://127.0.0.1:${port}`,
    env,
    run: undefined,
    log: '',
    get running() {
      return this.run !== undefined && this.run.child.exitCode === null && this.run.child.signalCode === null;
    },
    get pid() {
      return this.running ? this.run?.child.pid : undefined;
    },
  };
}

/** The stores every process shares, under names of this topology's own. */
function sharedEnv(id: string, databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    REDIS_URL: realInfra.redisUrl,
    REDIS_KEY_PREFIX: `${id}:`,
    AMQP_URL: realInfra.amqpUrl,
    AMQP_PREFIX: id,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
}

async function migrate(launch: Launcher, env: NodeJS.ProcessEnv): Promise<void> {
  const { command, args } = launch(['migrate']);
  const migration = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  migration.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  migration.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => migration.once('exit', resolve));
  if (code !== 0) throw new Error(`emporium migrate exited with ${code}:\n${output}`);
}

/** A port for every instance of every role, each a different one. */
async function place(size: TopologySize): Promise<Placement[]> {
  const roles: Role[] = ['gateway', ...serviceNames];
  const countOf = (role: Role) => (role === 'gateway' ? size.gateways : size[role]) ?? 1;
  const taken = new Set<number>();
  const nextPort = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) return (taken.add(port), port);
    }
  };
  const placements: Placement[] = [];
  for (const role of roles)
    for (let index = 0; index < countOf(role); index++) placements.push({ role, index, port: await nextPort() });
  return placements;
}

/** Every *_URL variable, listing all instances of its service. */
function peerUrls(placements: Placement[]): NodeJS.ProcessEnv {
  return Object.fromEntries(
    serviceNames.map((service) => [
      urlVariable[service],
      placements
        .filter((p) => p.role === service)
        .map((p) => `http://127.0.0.1:${p.port}`)
        .join(','),
    ]),
  );
}

/** Identity alone signs tokens (and makes the admin at its first start); every other role only checks them. */
function signingEnvOf(admin: Topology['admin']): (role: Role) => NodeJS.ProcessEnv {
  const keys = generateSigningKeys();
  const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return (role) =>
    role === 'identity'
      ? { JWT_PRIVATE_KEY: privateKey, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password }
      : { JWT_PUBLIC_KEY: publicKey };
}

function instanceEnv(port: number, dataDir: string): NodeJS.ProcessEnv {
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    METRICS_PORT: '0',
    DATA_DIR: dataDir,
    MIGRATE_ON_START: 'false',
    // Eleven pools on one PostgreSQL, whose default limit is 100 connections.
    DATABASE_POOL_SIZE: '4',
    // nginx and the gateways all speak from 127.0.0.1.
    TRUSTED_PROXIES: '127.0.0.1',
    // As deployed: longer than nginx's and the service pools' idle keep-alive (4 s), so no
    // connection is closed by a stopping process under a request just sent on it.
    SHUTDOWN_DRAIN_DELAY_MS: '5000',
  };
}
