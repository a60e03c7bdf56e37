import type { CheckoutFigures } from './checkout-scenario.js';
import { printTable } from './table.js';

/** The processes whose CPU per checkout sets how many cores each needs; the rest are servers. */
const emporiumRoles = ['gateway', 'identity', 'catalog', 'cart', 'orders', 'payments', 'notifications'];
const coreCounts = [1, 2, 4, 8];

const ms = (value: number | null | undefined) => (value == null ? 'n/a' : value.toFixed(2));
const rate = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : 'n/a');

/**
 * The capacity model: CPU ms per checkout and per product read of every role and server, measured
 * from each process's own CPU counters under load, and what follows from them — how many
 * checkouts/s a core of each role takes, and the throughput of a deployment with N cores per
 * service, next to the two PostgreSQL limits (its CPU, and its commit rate on this disk).
 */
export function printCapacityModel(
  checkout: CheckoutFigures,
  cpuMsPerRead: Record<string, number | null>,
  ceilingPerSecond: number | undefined,
): void {
  const cpu = checkout.cpuMsPerCheckout;
  process.stdout.write(
    `\nCapacity model: measured under ${checkout.customers} customers (${checkout.accepted} checkouts), predicted from it\n\n`,
  );
  printTable(
    [
      'process',
      'CPU ms per checkout (measured)',
      'CPU ms per product read (measured)',
      'checkouts/s per core (predicted)',
    ],
    Object.keys(cpu).map((name) => [
      name,
      ms(cpu[name]),
      ms(cpuMsPerRead[name]),
      cpu[name] ? rate(1000 / (cpu[name] ?? 0)) : 'n/a',
    ]),
  );
  const servicesMs = emporiumRoles.map((role) => cpu[role] ?? 0);
  const busiest = emporiumRoles[servicesMs.indexOf(Math.max(...servicesMs))] ?? 'n/a';
  const postgresMs = cpu.PostgreSQL ?? null;
  const writes = checkout.writesPerCheckout;
  // The ceiling's naive checkout commits six transactions.
  const commitsPerSecond = ceilingPerSecond === undefined ? undefined : ceilingPerSecond * 6;
  process.stdout.write(
    `\nPredicted checkouts/s with N cores for every Emporium service (the busiest, ${busiest}, sets it) and N cores for PostgreSQL:\n\n`,
  );
  printTable(
    ['N cores', 'Emporium services', 'PostgreSQL CPU'],
    coreCounts.map((n) => [
      String(n),
      rate(Math.min(...emporiumRoles.filter((r) => cpu[r]).map((r) => (n * 1000) / (cpu[r] ?? 1)))),
      postgresMs ? rate((n * 1000) / postgresMs) : 'n/a',
    ]),
  );
  if (commitsPerSecond && writes) {
    process.stdout.write(
      `\nPostgreSQL commits: ${writes.toFixed(1)} writing transactions per checkout. This server committed ${rate(commitsPerSecond)}/s in the ceiling's run ` +
        `(a floor: that run is bound by this machine's CPU), so its commit rate allows at least ${rate(commitsPerSecond / writes)} checkouts/s on this disk.\n`,
    );
  }
}
