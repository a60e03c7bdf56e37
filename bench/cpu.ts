import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time read from Linux's /proc, where it exists; elsewhere these figures are left out (null).
 * A meter returns the CPU time (ms) spent so far by what it watches; the bench reads every meter
 * before and after a load and divides the difference by the work done.
 */
export type CpuMeter = () => number | null;

const ticksPerSecond = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** User + system time of the process itself. */
  ticks: number;
  /** User + system time of its children that exited and were waited for. */
  childTicks: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields after the command name: state, ppid, ... utime (12th), stime, cutime, cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (i: number) => Number(fields[i]);
    return { pid: Number(pid), ppid: at(1), comm, ticks: at(11) + at(12), childTicks: at(13) + at(14) };
  } catch {
    return null; // gone meanwhile
  }
}

function procStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readStat(name) ?? []);
}

const toMs = (ticks: number) => (ticks * 1000) / ticksPerSecond;

/** Processes and every process under them, e.g. cluster workers. Null once one of them is gone. */
export const processTreeCpu =
  (pids: number[]): CpuMeter =>
  () => {
    if (pids.length === 0 || !pids.every((pid) => existsSync(`/proc/${pid}/stat`))) return null;
    const stats = procStats();
    const tree = new Set(pids);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of stats) {
        if (tree.has(s.pid) || !tree.has(s.ppid)) continue;
        tree.add(s.pid);
        grew = true;
      }
    }
    return toMs(stats.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.ticks, 0));
  };

/** The reaped-children time of these processes now; NaN, never equal to itself, once one is gone. */
const reapedTicks = (pids: number[]) =>
  pids.reduce((sum, pid) => sum + (readStat(String(pid))?.childTicks ?? Number.NaN), 0);

/**
 * Every process of a program by its command name (`postgres`, `beam.smp`, `redis-server`,
 * `nginx`), with the children its top processes reaped: PostgreSQL's backends that ended and its
 * autovacuum workers count too. Servers shared with other work on the machine count that work as
 * well, so the bench runs alone.
 */
export const programCpu =
  (comm: string): CpuMeter =>
  () => {
    if (!existsSync('/proc/stat')) return null;
    // A child reaped while /proc is read moves its time into its parent's reaped time, so it is
    // counted twice or not at all depending on which of the two was read first. For PostgreSQL that
    // can be a backend of seconds' CPU ending with its client: read until no parent reaped meanwhile.
    let parents: number[] = [];
    for (let attempt = 1; ; attempt++) {
      const before = reapedTicks(parents);
      const mine = procStats().filter((s) => s.comm === comm);
      if (mine.length === 0) return null;
      const pids = new Set(mine.map((s) => s.pid));
      const tops = mine.filter((s) => !pids.has(s.ppid)).map((s) => s.pid);
      const reaped = reapedTicks(tops);
      const settled = reaped === before && tops.join() === parents.join();
      if (settled || attempt === 5) return toMs(mine.reduce((sum, s) => sum + s.ticks, 0) + reaped);
      parents = tops;
    }
  };

/** The machine's CPU time so far, all of it and the part not idle (in ticks). */
function machineCpu(): { busy: number; total: number } | null {
  if (!existsSync('/proc/stat')) return null;
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .split(/\s+/)
    .slice(1)
    .map(Number)
    .filter((n) => !Number.isNaN(n));
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

/** What each meter reads now. */
export const readMeters = (meters: Record<string, CpuMeter>): Record<string, number | null> =>
  Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, meter()]));

/** CPU ms per unit of work between two readings of the same meters. */
export function perUnit(
  before: Record<string, number | null>,
  after: Record<string, number | null>,
  units: number,
): Record<string, number | null> {
  return Object.fromEntries(
    Object.keys(before).map((name) => {
      const [b, a] = [before[name], after[name]];
      return [name, b == null || a == null || units <= 0 ? null : (a - b) / units];
    }),
  );
}

/** What a load cost: CPU ms per unit of work by each meter, and the share of the machine in use. */
export interface LoadCost {
  cpuMsPerUnit: Record<string, number | null>;
  machineBusy: number | null;
}

/** Reads the meters now; the function returned reads them again and divides by the work done since. */
export function measureCpu(meters: Record<string, CpuMeter>): (units: number) => LoadCost {
  const before = { cpu: readMeters(meters), machine: machineCpu() };
  return (units) => {
    const after = { cpu: readMeters(meters), machine: machineCpu() };
    return {
      cpuMsPerUnit: perUnit(before.cpu, after.cpu, units),
      machineBusy:
        before.machine && after.machine
          ? (after.machine.busy - before.machine.busy) / (after.machine.total - before.machine.total)
          : null,
    };
  };
}

/** The shared servers of the real profile. */
export const serverMeters = () => ({
  PostgreSQL: programCpu('postgres'),
  RabbitMQ: programCpu('beam.smp'),
  Redis: programCpu('redis-server'),
});
