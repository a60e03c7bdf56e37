import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config/config-schema.js';
import type { Logger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { answerClientError, answerFrameworkError, installProblemHandler } from './problem-handler.js';
import { Problem } from './problem-schema.js';
import { createValidatorCompiler } from './validators.js';
import { securityHeaders } from './security-headers.js';
import { requireReadableBody } from './request-media-type.js';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpAppOptions {
  config: Pick<Config, 'bodyLimitBytes' | 'corsOrigins' | 'trustedProxies'>;
  logger: Logger;
  metrics: Metrics;
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** A Fastify app with the conventions every Emporium process shares; routes are added by the caller. */
export function buildHttpApp({ config, logger, metrics }: HttpAppOptions): HttpApp {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    // A request still arriving on an open connection while the server closes is served (and its
    // connection closed, see drain.ts) instead of Fastify's plain-JSON 503: it is the client's
    // last on this connection, and refusing it would fail a request nothing else retries.
    return503OnClosing: false,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Declared up front so every request object keeps one shape (V8 deoptimises added properties).
  app.decorateRequest('principal', undefined);
  app.decorateRequest('idempotency', undefined);
  app.setValidatorCompiler(createValidatorCompiler());
  app.addSchema(Problem);
  installProblemHandler(app);
  // Fastify reads text/plain bodies as strings by default; the API reads nothing but JSON.
  app.removeContentTypeParser('text/plain');
  app.addHook('preParsing', requireReadableBody);

  const security = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  // With no origin allowed there is nothing to answer to a browser's CORS checks: no hook at all.
  if (config.corsOrigins.length > 0) {
    app.register(cors, {
      origin: config.corsOrigins,
      exposedHeaders: [
        'ETag',
        'X-Request-Id',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
        'Idempotent-Replayed',
      ],
    });
  }

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(security).header('X-Request-Id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status: String(reply.statusCode) };
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
  return app as unknown as HttpApp;
}
