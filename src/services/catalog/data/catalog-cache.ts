import { createHash } from 'node:crypto';
import type { KvStore } from '../../../platform/kv/kv-store.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import { createJsonCache } from '../../../platform/cache/json-cache.js';
import type { Product } from '../domain/product.js';

/**
 * Cache-aside for catalog reads. Products are cached by id; lists and categories under the
 * `lists` generation, so one bump after a write makes every cached list unreachable at once.
 */
export interface CatalogCache {
  product(id: string, load: () => Promise<Product | null>): Promise<Product | null>;
  /** `params` identify the list: equal params, equal list. */
  list<T>(kind: string, params: object, load: () => Promise<T>): Promise<T>;
  /** After a committed write that touched these products (any field, stock included). */
  productsChanged(ids: string[]): Promise<void>;
  /** After a committed write that changed lists but no product (a new category). */
  listsChanged(): Promise<void>;
}

const listsNs = 'lists';

const digest = (params: object): string =>
  createHash('sha256').update(JSON.stringify(params)).digest('base64url').slice(0, 32);

export function createCatalogCache(options: { kv: KvStore; ttlMs: number; metrics: Metrics; logger: Logger }): CatalogCache {
  const cache = createJsonCache({ kv: options.kv, name: 'catalog', ttlMs: options.ttlMs, metrics: options.metrics });

  // The write has committed by now; failing the request would misreport it. Entries left
  // behind expire with their ttl, so log loudly and go on.
  const afterWrite = async (drop: () => Promise<void>) => {
    try {
      await drop();
    } catch (err) {
      options.logger.error({ err }, 'catalog cache invalidation failed; entries may be stale until they expire');
    }
  };

  return {
    product: (id, load) => cache.getOrLoad(`product:${id}`, load),
    async list<T>(kind: string, params: object, load: () => Promise<T>): Promise<T> {
      const key = `${kind}:${await cache.generation(listsNs)}:${digest(params)}`;
      return (await cache.getOrLoad<T>(key, load)) as T;
    },
    productsChanged: (ids) =>
      afterWrite(async () => {
        if (ids.length > 0) await cache.invalidate(...ids.map((id) => `product:${id}`));
        await cache.bumpGeneration(listsNs);
      }),
    listsChanged: () => afterWrite(() => cache.bumpGeneration(listsNs)),
  };
}
