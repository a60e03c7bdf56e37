import cluster from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../platform/config/config-schema.js';
import { buildProcess } from '../build-process.js';
import { serviceNames } from '../service-catalogue.js';
import { runPrimary, type WorkerReady } from './cluster-primary.js';
import { planOf, readyLine } from './start-plan.js';

/** Runs until SIGTERM or SIGINT; returns -1 so the CLI leaves the exit to the signal handler. */
export async function startCommand(config: Config, args: string[]): Promise<number> {
  const plan = planOf(args[0], config.processRole);
  if (!plan) {
    process.stderr.write(`Unknown service "${args[0]}". Choose one of: gateway, ${serviceNames.join(', ')}.\n`);
    return 2;
  }
  if (plan.services.length === 0 && config.processRole === 'background') {
    process.stderr.write('The gateway has no background work: start it with PROCESS_ROLE=all or api.\n');
    return 2;
  }
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config, plan);

  const started = Date.now();
  // A cluster's primary has migrated and seeded already; its workers only serve.
  const proc = await buildProcess({
    config,
    services: plan.services,
    gateway: plan.gateway,
    runStartHooks: cluster.isPrimary,
  });
  await proc.startBackground();
  const address = await proc.listen();

  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal (a terminal's Ctrl-C reaches a cluster's workers and its primary, which
    // passes it on) must not cut the drain short: SHUTDOWN_TIMEOUT_MS bounds it.
    if (stopping) return;
    stopping = true;
    proc.app.log.info({ signal, drainDelayMs: config.shutdownDrainDelayMs }, 'draining');
    const timer = setTimeout(() => {
      process.stderr.write('Shutdown took too long; exiting.\n');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    proc.drain();
    sleep(config.shutdownDrainDelayMs)
      .then(() => proc.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`Shutdown failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  // Before it says it is ready: whoever reads that may stop it at once, and the default action of a
  // signal without a handler ends the process on the spot, undrained, with no exit status.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (cluster.isWorker) process.send?.({ ready: address } satisfies WorkerReady);
  else process.stdout.write(readyLine(plan, address, (Date.now() - started) / 1000, 1));
  return -1;
}
