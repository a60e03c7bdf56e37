import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

const charsetParameter = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * Bodies are JSON in UTF-8 (API.md): a body that does not say it is, or says it is in another
 * charset, is refused with 415 before it is read. A request without a body needs no type, so a
 * POST that takes none (logout, cancel) goes as it is. Other media types get their 415 from
 * Fastify, which has no parser for them.
 */
export async function requireReadableBody(request: FastifyRequest): Promise<void> {
  const { 'content-type': type, 'content-length': length, 'transfer-encoding': chunked } = request.headers;
  if (chunked === undefined && (length === undefined || length === '0')) return;
  if (type === undefined) {
    throw new AppError('unsupported_media_type', 'A request body needs a Content-Type: application/json.');
  }
  const charset = charsetParameter.exec(type)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
    throw new AppError(
      'unsupported_media_type',
      `Request bodies are read as UTF-8, not ${charset}: send Content-Type: application/json; charset=utf-8, or no charset.`,
    );
  }
}
