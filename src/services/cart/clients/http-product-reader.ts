import type { ProductReader, ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import { AppError } from '../../../platform/http/errors.js';

/** The catalog's lookup takes at most this many ids per call. */
const batchSize = 200;

/**
 * The catalog's ProductReader over HTTP (`POST <catalogUrl>/internal/products/lookup`), for a
 * cart running apart from the catalog. A slow or failing catalog becomes 502 bad_gateway; the
 * catalog's address stays in the error's `cause` (logs), never in the response.
 */
export function createHttpProductReader(baseUrl: string, options: { timeoutMs?: number } = {}): ProductReader {
  const url = new URL('internal/products/lookup', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const timeoutMs = options.timeoutMs ?? 3_000;

  const fail = (detail: string, cause: unknown): never => {
    throw Object.assign(new AppError('bad_gateway', detail), { cause });
  };

  const lookUp = async (ids: string[]): Promise<ProductSnapshot[]> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ids }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return fail('The catalog did not answer a product lookup in time.', new Error(`POST ${url.href} failed`, { cause: err }));
    }
    if (response.status !== 200) {
      const body = await response.text().catch(() => '');
      return fail('The catalog refused a product lookup.', new Error(`POST ${url.href} answered ${response.status}: ${body.slice(0, 500)}`));
    }
    const payload = (await response.json()) as { items?: ProductSnapshot[] };
    if (!Array.isArray(payload.items)) return fail('The catalog answered a product lookup with an unexpected body.', new Error(`POST ${url.href}: no items`));
    return payload.items;
  };

  return {
    async productsByIds(ids) {
      const unique = [...new Set(ids)];
      const batches: string[][] = [];
      for (let i = 0; i < unique.length; i += batchSize) batches.push(unique.slice(i, i + batchSize));
      return (await Promise.all(batches.map(lookUp))).flat();
    },
  };
}
