import cluster from 'node:cluster';
import type { Config } from '../../platform/config/config-schema.js';
import { serveClusterMetrics } from '../../platform/http/metrics-server.js';
import { buildProcess } from '../build-process.js';
import { readyLine, type StartPlan } from './start-plan.js';

/** What a worker tells the primary once it listens. */
export interface WorkerReady {
  ready: string;
}

const isReady = (message: unknown): message is WorkerReady =>
  typeof message === 'object' && message !== null && typeof (message as WorkerReady).ready === 'string';

/**
 * `start` with WORKERS above 1. This process does once what must happen once: the signing key
 * file (where the whole shop runs), migrations and first-start seeding (the admin's generated
 * password is shown here, once).
 * Then it forks the workers, each a whole `start` on the same port: node:cluster hands them
 * connections in turn, and the shared PostgreSQL, Redis and RabbitMQ make them one shop. A worker
 * that dies is replaced; one that cannot start stops them all. The metrics port is this process's:
 * it serves the sum of the workers' metrics, which it asks them for at each scrape.
 */
export async function runPrimary(config: Config, plan: StartPlan): Promise<number> {
  const started = Date.now();
  const setup = await buildProcess({ config, services: plan.services, gateway: plan.gateway });
  await setup.stop();
  const metricsServer = serveClusterMetrics({ port: config.metricsPort, host: config.metricsHost });
  process.stdout.write(`Metrics are served at ${await metricsServer.listen()}\n`);

  let stopping = false;
  let announced = false;
  const ready = new Set<number>();
  const exitOnceAllGone = () => {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
  };
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };

  const fork = (): void => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      ready.add(worker.id);
      if (!announced && ready.size >= config.workers) {
        announced = true;
        process.stdout.write(readyLine(plan, message.ready, (Date.now() - started) / 1000, config.workers));
      }
    });
    worker.on('exit', (code, signal) => {
      const wasReady = ready.delete(worker.id);
      if (stopping) {
        // A worker still starting has no handler yet, so the signal itself ends it: no failure.
        if (code !== 0 && signal === null) process.exitCode = 1;
        exitOnceAllGone();
        return;
      }
      if (!wasReady) {
        process.stderr.write(`A worker could not start (exit ${code ?? signal}); stopping.\n`);
        process.exitCode = 1;
        stopAll('SIGTERM');
        exitOnceAllGone();
        return;
      }
      process.stderr.write(`Worker ${worker.process.pid} died (${signal ?? `exit ${code}`}); starting another.\n`);
      fork();
    });
  };

  for (let i = 0; i < config.workers; i += 1) fork();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    const timer = setTimeout(() => {
      process.stderr.write('Shutdown took too long; exiting.\n');
      process.exit(1);
    }, config.shutdownTimeoutMs + 2_000);
    timer.unref();
    stopAll(signal);
  };
  // Each worker drains on its own; a second signal changes nothing (the timer bounds the wait).
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return -1;
}
