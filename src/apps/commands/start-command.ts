import type { Config } from '../../platform/config/config-schema.js';
import { buildProcess } from '../build-process.js';
import { isServiceName, serviceNames, type RunnableService } from '../service-catalogue.js';

/** Runs until SIGTERM or SIGINT; returns -1 so the CLI leaves the exit to the signal handler. */
export async function startCommand(config: Config, args: string[]): Promise<number> {
  const [target] = args;
  let services: RunnableService[];
  let gateway = true;
  if (!target || target === 'all') services = [...serviceNames];
  else if (target === 'gateway') services = [];
  else if (isServiceName(target)) {
    services = [target];
    gateway = false;
  } else {
    process.stderr.write(`Unknown service "${target}". Choose one of: gateway, ${serviceNames.join(', ')}.\n`);
    return 2;
  }

  const started = Date.now();
  const proc = await buildProcess({ config, services, gateway });
  await proc.startBackground();
  const address = await proc.listen();
  const shown = address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  const what = target && target !== 'all' ? target : 'Emporium';
  process.stdout.write(`${what} is ready at ${shown} in ${((Date.now() - started) / 1000).toFixed(1)} s` +
    (gateway ? ` (API docs: ${shown}/docs)` : '') + '\n');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    proc.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      process.stderr.write('Shutdown took too long; exiting.\n');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
    proc.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  return -1;
}
