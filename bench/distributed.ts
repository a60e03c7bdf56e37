import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.js';
import { startTopology, type Role, type Topology } from '../test/support/topology.js';
import { runCheckoutScenario, type CheckoutFigures } from './checkout-scenario.js';
import { processTreeCpu, programCpu, serverMeters, type CpuMeter } from './cpu.js';
import { writeTransactionCounter } from './db-ceiling.js';
import { load, readScenarios, type LoadResult, type ReadSettings } from './read-scenarios.js';

/** The layout measured: the one the topology test runs, nginx in front. */
export const layout = { gateways: 2, catalog: 2, orders: 2 };
export const layoutName = 'nginx, 2 gateways, 2 catalog, 2 orders, 1 of each other service';

export interface DistributedRun {
  rows: [string, LoadResult][];
  checkout: CheckoutFigures;
  /** CPU ms per product read (a cache hit sent to the gateways, past nginx's cache), per meter. */
  cpuMsPerRead: Record<string, number | null>;
}

/** One meter per role, over all of its instances, and one per server the layout runs on. */
function meters(topology: Topology): Record<string, CpuMeter> {
  const roles = [...new Set(topology.instances.map((i) => i.role))];
  const ofRole = (role: Role): CpuMeter =>
    processTreeCpu(
      topology.instances.filter((i) => i.role === role).flatMap((i) => (i.pid === undefined ? [] : [i.pid])),
    );
  return {
    ...Object.fromEntries(roles.map((role) => [role, ofRole(role)])),
    nginx: programCpu('nginx'),
    ...serverMeters(),
  };
}

/**
 * The read and checkout scenarios against the distributed layout, every process started as an
 * operator starts it (test/support/topology.ts), with the CPU each role and server spends.
 */
export async function benchDistributed(options: {
  customers: number;
  products: number;
  checkoutSeconds: number;
  read: ReadSettings;
  checkoutOnly: boolean;
}): Promise<DistributedRun> {
  // The processes run the production build, as deployed; inside the project, where Node finds node_modules.
  const buildDir = fileURLToPath(new URL(`../.test-build/bench-${process.pid}`, import.meta.url));
  build(buildDir);
  const topology = await startTopology({
    ...layout,
    cli: { command: process.execPath, args: [join(buildDir, 'apps', 'cli.js')] },
    env: { SEED_DEMO_DATA: 'true', RATE_LIMIT_PER_HOUR: '1000000000', DATABASE_POOL_SIZE: '6' },
  }).catch((err: unknown) => {
    rmSync(buildDir, { recursive: true, force: true });
    throw err;
  });
  try {
    const measured = meters(topology);
    const rows = options.checkoutOnly ? [] : await readScenarios(topology.entryUrl, options.read);
    const gateways = topology.instances.filter((i) => i.role === 'gateway').map((i) => i.url);
    let cpuMsPerRead: Record<string, number | null> = {};
    if (!options.checkoutOnly) {
      const product = (
        (await (await fetch(`${topology.entryUrl}/api/v1/products?limit=1`)).json()) as { items: { id: string }[] }
      ).items[0];
      if (!product) throw new Error('the demo catalog is empty');
      // nginx keeps public product reads as long as their Cache-Control says: to measure what a read
      // costs the services, the load goes to a gateway directly.
      const gateway = await load(gateways[0] ?? '', [`/api/v1/products/${product.id}`], options.read, measured);
      rows.push(['GET /api/v1/products/{id} at one gateway, past nginx', gateway]);
      cpuMsPerRead = gateway.cpuMsPerRequest;
    }
    const checkout = await runCheckoutScenario(topology.entryUrl, topology.admin, {
      customers: options.customers,
      products: options.products,
      seconds: options.checkoutSeconds,
      meters: measured,
      writeTransactions: writeTransactionCounter(topology.databaseUrl),
    });
    return { rows, checkout, cpuMsPerRead };
  } finally {
    await topology.stop();
    rmSync(buildDir, { recursive: true, force: true });
  }
}
