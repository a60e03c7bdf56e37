import type { HttpApp } from './build-http-app.js';
import { sendProblem } from './problem-handler.js';

export type DependencyCheck = () => Promise<void>;

export type UpstreamState = 'up' | 'down';

/** The services a gateway routes to: each one's state, and how many of its instances answer. */
export interface UpstreamReport {
  upstreams: Record<string, UpstreamState>;
  instances: Record<string, { up: number; down: number }>;
}

export interface Readiness {
  /** Dependencies this process cannot serve without: one down fails readiness. */
  checks: Record<string, DependencyCheck>;
  /** True while the process drains for shutdown: readiness fails at once, before any check. */
  draining: () => boolean;
  /** Services a gateway routes to, reported in the body; they never fail its readiness. */
  upstreams?: () => Promise<UpstreamReport>;
}

const within = (ms: number, check: DependencyCheck): Promise<void> =>
  Promise.race([
    check(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);

/**
 * Liveness and readiness: each dependency checked; a problem+json 503 naming the ones down, or
 * saying the process is shutting down. Metrics have a port of their own (metrics-server.ts).
 */
export function registerHealthRoutes(app: HttpApp, readiness: Readiness): void {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store');
    if (readiness.draining())
      return sendProblem(reply, 'service_unavailable', 'Shutting down: this instance takes no new work.');
    const upstreams = readiness.upstreams?.();
    const results = await Promise.all(
      Object.entries(readiness.checks).map(async ([name, check]) => {
        try {
          await within(2000, check);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const reported = await upstreams;
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name);
    if (down.length > 0)
      return sendProblem(reply, 'service_unavailable', `Not ready: ${down.join(', ')} down.`, {
        down,
        checks,
        ...reported,
      });
    return { status: 'ready', checks, ...reported };
  });
}
