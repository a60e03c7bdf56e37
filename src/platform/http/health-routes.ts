import type { HttpApp } from './build-http-app.js';
import type { Metrics } from '../metrics/metrics.js';

export type DependencyCheck = () => Promise<void>;

const within = (ms: number, check: DependencyCheck): Promise<void> =>
  Promise.race([
    check(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/** Liveness, readiness (each dependency checked, 503 naming the ones down) and Prometheus metrics. */
export function registerHealthRoutes(app: HttpApp, checks: Record<string, DependencyCheck>, metrics: Metrics): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(2000, check);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
    reply.header('Cache-Control', 'no-store');
    if (down.length === 0) return { status: 'ready', checks: Object.fromEntries(results) };
    return reply.status(503).send({ status: 'unavailable', down, checks: Object.fromEntries(results) });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('Content-Type', metrics.registry.contentType).header('Cache-Control', 'no-store');
    return metrics.registry.metrics();
  });
}
