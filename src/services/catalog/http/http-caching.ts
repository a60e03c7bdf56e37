import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../platform/config/config-schema.js';

export { etagOf } from '../data/catalog-cache.js';

const tags = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter(Boolean);

/** If-None-Match / If-Match: does the header name this ETag (or `*`)? */
export const headerMatches = (header: string | undefined, etag: string): boolean =>
  tags(header).some((t) => t === '*' || t === etag);

export const publicCacheControl = (config: Pick<Config, 'httpMaxAgeSeconds' | 'httpStaleSeconds'>): string =>
  `public, max-age=${config.httpMaxAgeSeconds}, stale-while-revalidate=${config.httpStaleSeconds}`;

/**
 * Marks a public catalog read with its ETag and Cache-Control, and tells whether the client's
 * copy is current (answer 304 with no body then).
 */
export function isNotModified(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  cacheControl: string,
): boolean {
  reply.header('ETag', etag).header('Cache-Control', cacheControl);
  return headerMatches(request.headers['if-none-match'], etag);
}

/**
 * Answers 304 with no body at all: a serialized `null` would go out with a Content-Length of 4
 * that strict HTTP clients (undici, which the gateway forwards with) reject as a broken answer.
 */
export const notModified = (reply: FastifyReply): FastifyReply => reply.code(304).send();

/** Documented response headers of cacheable reads. */
export const cacheHeaders = {
  ETag: Type.String({ description: 'Strong validator of this representation; send it back in If-None-Match.' }),
  'Cache-Control': Type.String({ description: 'public, max-age=..., stale-while-revalidate=...' }),
};

export const ConditionalReadHeaders = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({ description: 'ETag of the copy you hold: 304 when it is still current.' }),
  ),
});

export const NotModified = Type.Null({ description: 'Not modified: the ETag in If-None-Match is current.' });

export const noStore = (reply: FastifyReply): FastifyReply => reply.header('Cache-Control', 'no-store');
