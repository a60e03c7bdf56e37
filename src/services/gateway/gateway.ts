import type { IncomingHttpHeaders } from 'node:http';
import proxy from '@fastify/http-proxy';
import swaggerUi from '@fastify/swagger-ui';
import type { Config } from '../../platform/config/config-schema.js';
import type { KvStore } from '../../platform/kv/kv-store.js';
import type { AuthGuards } from '../../platform/auth/auth-guards.js';
import type { HttpApp } from '../../platform/http/build-http-app.js';
import type { ServicePool } from '../../platform/http/service-pool.js';
import { createRateLimiter } from './rate-limit.js';
import { forwardedHeaders } from './forwarded-headers.js';

export interface RemoteService {
  name: string;
  /** Its instances; every path of the service shares their connections. */
  pool: ServicePool;
  paths: string[];
}

export interface GatewayOptions {
  config: Pick<Config, 'rateLimitPerHour'>;
  kv: KvStore;
  auth: AuthGuards;
  /** Services that run in other processes; the rest are mounted in this one. */
  remotes: RemoteService[];
}

const limitedRoute = /^\/(?:api|media)(?:\/|$)/;

/**
 * Decided on the route the router matched, never on the raw URL: the router decodes the path and
 * takes absolute-form targets, so `/%61pi/...` or `http://host/api/...` reach the same route as
 * `/api/...` and must count the same. A request that matched no route is counted too, whatever
 * its path: 404s are answered by the API and spraying them costs the client like any request.
 * Only the operational routes (health, docs, the OpenAPI document) are free.
 */
const limited = (route: string | undefined) => route === undefined || limitedRoute.test(route);

/** The proxy names the first instance in Host; undici names the instance the request goes to instead. */
const withoutHost = ({ host: _, ...headers }: IncomingHttpHeaders): IncomingHttpHeaders => headers;

/** The public entry point: rate limits, API docs and routing to services that run apart. */
export async function registerGateway(app: HttpApp, { config, kv, auth, remotes }: GatewayOptions): Promise<void> {
  const rateLimit = createRateLimiter(kv, auth, config.rateLimitPerHour);
  app.addHook('onRequest', async (request, reply) => {
    if (limited(request.routeOptions.url)) await rateLimit(request, reply);
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { url: '/openapi.json' } });
  for (const remote of remotes) {
    for (const path of remote.paths) {
      await app.register(proxy, {
        // The proxy builds each target from one address; the pool sends it to an instance of its choice.
        upstream: remote.pool.origins[0] as string,
        undici: remote.pool,
        prefix: path,
        rewritePrefix: path,
        http2: false,
        // The body of a forwarded request is the request stream, and the service behind keeps its
        // own idempotency records: this process's Idempotency-Key check stays out of the way.
        config: { idempotency: 'own' },
        replyOptions: { rewriteRequestHeaders: (request, headers) => forwardedHeaders(request, withoutHost(headers)) },
      });
    }
  }
}
