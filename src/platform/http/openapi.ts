import swagger from '@fastify/swagger';
import type { HttpApp } from './build-http-app.js';
import { problems } from './problem-schema.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
  serverUrl: string;
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
      const hidden = !url.startsWith('/api/') && url !== '/media/*';
      if (hidden) return { schema: { ...schema, hide: true }, url };
      // Answers any route can give before its handler runs: rate limit, body limit, content type.
      const gateway = { ...problems(429), ...(schema?.body ? problems(400, 413, 415) : {}) };
      return { schema: { ...schema, response: { ...gateway, ...(schema?.response as object | undefined) } }, url };
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
