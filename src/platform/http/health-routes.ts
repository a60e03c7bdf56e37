import type { HttpApp } from './build-http-app.js';

export type DependencyCheck = () => Promise<void>;

const within = (ms: number, check: DependencyCheck): Promise<void> =>
  Promise.race([
    check(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/** Liveness and readiness (each dependency checked, 503 naming the ones down); metrics have a port of their own. */
export function registerHealthRoutes(app: HttpApp, checks: Record<string, DependencyCheck>): void {
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
}
