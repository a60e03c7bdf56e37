import type { CheckoutFigures } from './checkout-scenario.js';
import { printTable } from './table.js';

/** The checkout scenario's figures, a column per run, beside PostgreSQL's ceiling for the same work. */
export function printCheckouts(
  heading: string,
  columns: string[],
  checkouts: CheckoutFigures[],
  ceiling: number | undefined,
  mailIn: string[],
): void {
  process.stdout.write(`\n${heading}\n\n`);
  const figure = (name: string, value: (c: CheckoutFigures) => string) => [name, ...checkouts.map(value)];
  const meterNames = [...new Set(checkouts.flatMap((c) => Object.keys(c.cpuMsPerCheckout)))];
  printTable(
    ['figure', ...columns],
    [
      figure(
        'checkouts accepted',
        (c) =>
          `${c.accepted} (${c.rejected} refused, ${c.errors} errors${c.errors ? `: ${JSON.stringify(c.errorKinds)}` : ''})`,
      ),
      figure('accepted / s', (c) => c.acceptedPerSecond.toFixed(1)),
      figure('confirmed', (c) => String(c.confirmed)),
      figure('confirmed / s', (c) => c.confirmedPerSecond.toFixed(1)),
      figure('POST /checkout p50 / p99 ms', (c) => `${c.checkoutP50.toFixed(1)} / ${c.checkoutP99.toFixed(1)}`),
      figure(
        'checkout → confirmed p50 / p99 ms',
        (c) => `${c.toConfirmedP50.toFixed(0)} / ${c.toConfirmedP99.toFixed(0)}`,
      ),
      ...meterNames.map((name) =>
        figure(`CPU ms per accepted checkout: ${name}`, (c) => c.cpuMsPerCheckout[name]?.toFixed(2) ?? '—'),
      ),
      figure('PostgreSQL writing transactions per checkout', (c) => c.writesPerCheckout?.toFixed(1) ?? 'n/a'),
      figure('machine CPU busy during the load', (c) =>
        c.machineBusy === null ? 'n/a' : `${(c.machineBusy * 100).toFixed(0)}%`,
      ),
      ['emails (.eml files) written to', ...mailIn],
      figure('PostgreSQL ceiling (naive six-commit checkout) / s', () =>
        ceiling === undefined ? 'n/a' : ceiling.toFixed(1),
      ),
      figure('confirmed / s vs ceiling', (c) =>
        ceiling ? `${((c.confirmedPerSecond / ceiling) * 100).toFixed(0)}%` : 'n/a',
      ),
    ],
  );
}
