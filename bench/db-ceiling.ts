import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { windowSeconds } from './checkout-scenario.js';
import { measureCpu, serverMeters } from './cpu.js';

const run = promisify(execFile);

/** A straightforward six-commit checkout run by PostgreSQL alone, measured as the checkout scenario is. */
export interface CeilingFigures {
  checkouts: number;
  checkoutsPerSecond: number;
  /** Per window as the checkout scenario's, from pgbench's progress reports (whole windows only). */
  checkoutsPerSecondByWindow: number[];
  /** PostgreSQL's CPU time per checkout, by the checkout scenario's meter. */
  postgresCpuMsPerCheckout: number | null;
  writesPerCheckout: number;
  machineBusy: number | null;
}

/**
 * What PostgreSQL alone commits per second for a straightforward six-commit checkout
 * (bench/ceiling/naive-checkout.sql, pgbench, 16 clients), and the CPU it spends on each: the
 * ceiling the checkout scenario is compared with, measured in the same run because machines are
 * noisy, and by the same meters so that the two CPU figures compare.
 */
export async function measureDbCeiling(adminUrl: string, seconds: number): Promise<CeilingFigures> {
  const url = new URL(adminUrl);
  const name = `emporium_ceiling_${process.pid}`;
  const base = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  await run('createdb', [...base, name]);
  try {
    await run('psql', [...base, '-q', '-d', name, '-f', 'bench/ceiling/naive-checkout-setup.sql']);
    url.pathname = `/${name}`;
    const writes = writeTransactionCounter(url.toString());
    const cpu = measureCpu({ PostgreSQL: serverMeters().PostgreSQL });
    const writesBefore = await writes();
    const { stdout, stderr } = await run(
      'pgbench',
      [
        ...base,
        ...['-n', '-c', '16', '-j', '2', '-T', String(seconds), '-P', String(windowSeconds)],
        ...['-f', 'bench/ceiling/naive-checkout.sql', name],
      ],
      { maxBuffer: 10 * 1024 * 1024 },
    );
    const tps = /tps = ([\d.]+)/.exec(stdout)?.[1];
    const checkouts = Number(/actually processed: (\d+)/.exec(stdout)?.[1]);
    if (!tps || !checkouts) throw new Error(`pgbench printed no tps or transactions:\n${stdout}`);
    const cost = cpu(checkouts);
    const writesAfter = await writes();
    return {
      checkouts,
      checkoutsPerSecond: Number(tps),
      checkoutsPerSecondByWindow: [...stderr.matchAll(/progress: [\d.]+ s, ([\d.]+) tps/g)].map((m) => Number(m[1])),
      postgresCpuMsPerCheckout: cost.cpuMsPerUnit.PostgreSQL ?? null,
      writesPerCheckout: (writesAfter - writesBefore) / checkouts,
      machineBusy: cost.machineBusy,
    };
  } finally {
    await run('dropdb', [...base, '--if-exists', '--force', name]);
  }
}

/**
 * Transactions that wrote, committed so far by the whole server: its last transaction id (each
 * transaction that writes takes one; the probe itself takes one, negligible beside a load).
 */
export function writeTransactionCounter(databaseUrl: string): () => Promise<number> {
  return async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('select pg_current_xact_id()::text as id');
      return Number(rows[0]?.id);
    } finally {
      await client.end();
    }
  };
}
