import { windowSeconds, type CheckoutFigures } from './checkout-scenario.js';
import type { CeilingFigures } from './db-ceiling.js';
import { printTable } from './table.js';

const rates = (perSecond: number[]) => (perSecond.length === 0 ? 'n/a' : perSecond.map((r) => r.toFixed(0)).join(' '));
const share = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(0)}%`);

/**
 * The checkout scenario's figures, a column per run, and beside them the naive six-commit checkout
 * run by PostgreSQL alone in the same bench run: its checkouts/s is the ceiling, and its PostgreSQL
 * CPU per checkout, read by the same meter, is what Emporium's database cost compares with.
 */
export function printCheckouts(
  heading: string,
  columns: string[],
  checkouts: CheckoutFigures[],
  ceiling: CeilingFigures | undefined,
  mailIn: string[],
): void {
  process.stdout.write(`\n${heading}\n\n`);
  const figure = (
    name: string,
    value: (c: CheckoutFigures, i: number) => string,
    naive: (n: CeilingFigures) => string,
  ) => [name, ...checkouts.map(value), ...(ceiling ? [naive(ceiling)] : [])];
  const none = () => '—';
  // On the embedded profile the database (PGlite) runs inside Emporium's process: only the naive has a figure.
  const meterNames = [
    ...new Set([...checkouts.flatMap((c) => Object.keys(c.cpuMsPerCheckout)), ...(ceiling ? ['PostgreSQL'] : [])]),
  ];
  const postgresVsNaive = (c: CheckoutFigures) => {
    const [ours, naive] = [c.cpuMsPerCheckout.PostgreSQL, ceiling?.postgresCpuMsPerCheckout];
    return ours == null || naive == null ? 'n/a' : `${(ours / naive).toFixed(2)}×`;
  };
  printTable(
    ['figure', ...columns, ...(ceiling ? ['naive six-commit checkout (pgbench, 16 clients)'] : [])],
    [
      figure(
        'checkouts accepted',
        (c) =>
          `${c.accepted} (${c.rejected} refused, ${c.errors} errors${c.errors ? `: ${JSON.stringify(c.errorKinds)}` : ''})`,
        (n) => String(n.checkouts),
      ),
      figure(
        'accepted / s',
        (c) => c.acceptedPerSecond.toFixed(1),
        (n) => n.checkoutsPerSecond.toFixed(1),
      ),
      figure(
        `accepted / s per ${windowSeconds} s window`,
        (c) => rates(c.acceptedPerSecondByWindow),
        (n) => rates(n.checkoutsPerSecondByWindow),
      ),
      figure(
        'confirmed',
        (c) => String(c.confirmed),
        (n) => String(n.checkouts),
      ),
      figure(
        'confirmed / s',
        (c) => c.confirmedPerSecond.toFixed(1),
        (n) => n.checkoutsPerSecond.toFixed(1),
      ),
      figure('POST /checkout p50 / p99 ms', (c) => `${c.checkoutP50.toFixed(1)} / ${c.checkoutP99.toFixed(1)}`, none),
      figure(
        'checkout → confirmed p50 / p99 ms',
        (c) => `${c.toConfirmedP50.toFixed(0)} / ${c.toConfirmedP99.toFixed(0)}`,
        none,
      ),
      ...meterNames.map((name) =>
        figure(
          `CPU ms per accepted checkout: ${name}`,
          (c) => c.cpuMsPerCheckout[name]?.toFixed(2) ?? '—',
          (n) => (name === 'PostgreSQL' ? (n.postgresCpuMsPerCheckout?.toFixed(2) ?? 'n/a') : '—'),
        ),
      ),
      figure(
        'PostgreSQL writing transactions per checkout',
        (c) => c.writesPerCheckout?.toFixed(1) ?? 'n/a',
        (n) => n.writesPerCheckout.toFixed(1),
      ),
      figure(
        'machine CPU busy during the load',
        (c) => share(c.machineBusy),
        (n) => share(n.machineBusy),
      ),
      figure('emails (.eml files) written to', (_, i) => mailIn[i] ?? '—', none),
      figure('PostgreSQL CPU per checkout vs naive', postgresVsNaive, none),
      figure(
        'confirmed / s vs naive (the ceiling)',
        (c) => (ceiling ? share(c.confirmedPerSecond / ceiling.checkoutsPerSecond) : 'n/a'),
        none,
      ),
    ],
  );
}
