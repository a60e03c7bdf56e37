import swagger from '@fastify/swagger';
import type { HttpApp } from './build-http-app.js';
import { problems } from './problem-schema.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  serverUrl: string;
  /** The documents of services this process forwards to (a gateway's), merged into its own. */
  forwardedDocuments?: () => Promise<OpenApiDocument[]>;
}

/** The parts of an OpenAPI document that merging touches. */
export interface OpenApiDocument {
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown> };
}

/** `own` with the paths and schemas of `others` added: each service describes only its own routes. */
export function mergeDocuments(own: OpenApiDocument, others: OpenApiDocument[]): OpenApiDocument {
  const paths = Object.assign({}, own.paths, ...others.map((d) => d.paths));
  const schemas = Object.assign({}, own.components?.schemas, ...others.map((d) => d.components?.schemas));
  return { ...own, paths, components: { ...own.components, schemas } };
}

/**
 * Collects every route's schema into one OpenAPI 3.1 document. Must be registered before the
 * routes. Operational and internal routes are left out: they are not part of the public API.
 */
export async function registerOpenApi(app: HttpApp, info: OpenApiInfo): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: info.title, version: info.version, description: info.description },
      servers: [{ url: info.serverUrl }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url }) => {
      // A route without a schema describes nothing: a gateway's forwarding routes, whose services
      // describe the operations behind them.
      const hidden = (!url.startsWith('/api/') && url !== '/media/*') || !schema;
      if (hidden) return { schema: { ...schema, hide: true }, url };
      // Answers any route can give before its handler runs: rate limit, body limit, content type.
      const gateway = { ...problems(429), ...(schema?.body ? problems(400, 413, 415) : {}) };
      return { schema: { ...schema, response: { ...gateway, ...(schema?.response as object | undefined) } }, url };
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => {
    const own = app.swagger() as OpenApiDocument;
    return info.forwardedDocuments ? mergeDocuments(own, await info.forwardedDocuments()) : own;
  });
}
