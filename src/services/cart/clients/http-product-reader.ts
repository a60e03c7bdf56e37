import type { ProductReader, ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import { AppError } from '../../../platform/http/errors.js';
import type { ServicePool } from '../../../platform/http/service-pool.js';

/** The catalog's lookup takes at most this many ids per call. */
const batchSize = 200;
const path = '/internal/products/lookup';

/**
 * The catalog's ProductReader over HTTP (`POST /internal/products/lookup` on its instances), for a
 * cart running apart from the catalog. A lookup only reads, so one whose instance failed before
 * answering goes to another. A slow or failing catalog becomes 502 bad_gateway; the catalog's
 * addresses stay in the error's `cause` (logs), never in the response.
 */
export function createHttpProductReader(catalog: ServicePool, options: { timeoutMs?: number } = {}): ProductReader {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const where = `POST ${path} to ${catalog.origins.join(', ')}`;

  const fail = (detail: string, cause: unknown): never => {
    throw Object.assign(new AppError('bad_gateway', detail), { cause });
  };

  const lookUp = async (ids: string[]): Promise<ProductSnapshot[]> => {
    let response;
    try {
      response = await catalog.request({
        method: 'POST',
        path,
        idempotent: true,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ids }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      return fail('The catalog did not answer a product lookup in time.', new Error(`${where} failed`, { cause: err }));
    }
    if (response.statusCode !== 200) {
      const body = await response.body.text().catch(() => '');
      return fail(
        'The catalog refused a product lookup.',
        new Error(`${where} answered ${response.statusCode}: ${body.slice(0, 500)}`),
      );
    }
    const payload = (await response.body.json()) as { items?: ProductSnapshot[] };
    if (!Array.isArray(payload.items))
      return fail('The catalog answered a product lookup with an unexpected body.', new Error(`${where}: no items`));
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
