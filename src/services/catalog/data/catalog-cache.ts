import { createHash } from 'node:crypto';
import type { ProductSnapshot } from '../../../contracts/api/catalog-api.js';
import type { KvStore } from '../../../platform/kv/kv-store.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { Metrics } from '../../../platform/metrics/metrics.js';
import { createJsonCache } from '../../../platform/cache/json-cache.js';
import type { Product } from '../domain/product.js';

/**
 * Cache-aside for catalog reads. Products are cached by id; lists and categories under the
 * `lists` generation, so one bump after a write makes every cached list unreachable at once.
 * Product facts (what other services read: no stock) are cached by id apart from the views, so
 * that the stock changes of every reservation leave them in place.
 */
/** A cached representation with its ETag, computed once when it was loaded, not on every read. */
export interface Tagged<T> {
  value: T;
  etag: string;
}

export interface CatalogCache {
  product(id: string, load: () => Promise<Product | null>): Promise<Tagged<Product> | null>;
  /** `params` identify the list: equal params, equal list. */
  list<T>(kind: string, params: object, load: () => Promise<T>): Promise<Tagged<T>>;
  /** The facts of those of `ids` that exist; `load(missing)` reads the ones not cached. */
  productFacts(ids: string[], load: (missing: string[]) => Promise<ProductSnapshot[]>): Promise<ProductSnapshot[]>;
  /** After a committed write that changed what views and lists of these products show but none of their facts (stock, description, categories). */
  productsChanged(ids: string[]): Promise<void>;
  /** After a committed write that changed facts of these products (created, renamed, repriced, archived or restored). */
  productFactsChanged(ids: string[]): Promise<void>;
  /** After a committed write that changed lists but no product (a new category). */
  listsChanged(): Promise<void>;
}

const listsNs = 'lists';

const digest = (params: object): string =>
  createHash('sha256').update(JSON.stringify(params)).digest('base64url').slice(0, 32);

/** A strong ETag: the hash of the representation, so any change to it (stock too) changes it. */
export const etagOf = (body: unknown): string =>
  `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;

const tagged = async <T>(load: () => Promise<T>): Promise<Tagged<T>> => {
  const value = await load();
  return { value, etag: etagOf(value) };
};

export function createCatalogCache(options: {
  kv: KvStore;
  ttlMs: number;
  metrics: Metrics;
  logger: Logger;
}): CatalogCache {
  const cache = createJsonCache({ kv: options.kv, name: 'catalog', ttlMs: options.ttlMs, metrics: options.metrics });
  const facts = createJsonCache({
    kv: options.kv,
    name: 'product-facts',
    ttlMs: options.ttlMs,
    metrics: options.metrics,
  });

  // The write has committed by now; failing the request would misreport it. Entries left
  // behind expire with their ttl, so log loudly and go on.
  const afterWrite = async (drop: () => Promise<void>) => {
    try {
      await drop();
    } catch (err) {
      options.logger.error({ err }, 'catalog cache invalidation failed; entries may be stale until they expire');
    }
  };

  const viewsChanged = async (ids: string[]) => {
    await Promise.all([
      ids.length > 0 ? cache.invalidate(...ids.map((id) => `product:${id}`)) : undefined,
      cache.bumpGeneration(listsNs),
    ]);
  };

  return {
    product: (id, load) =>
      cache.getOrLoad<Tagged<Product>>(`product:${id}`, async () => {
        const product = await load();
        return product ? { value: product, etag: etagOf(product) } : null;
      }),
    async list<T>(kind: string, params: object, load: () => Promise<T>): Promise<Tagged<T>> {
      const key = `${kind}:${await cache.generation(listsNs)}:${digest(params)}`;
      return (await cache.getOrLoad<Tagged<T>>(key, () => tagged(load))) as Tagged<T>;
    },
    async productFacts(ids, load) {
      const found = await facts.getManyOrLoad(
        ids,
        async (missing) => new Map((await load(missing)).map((p) => [p.id, p])),
      );
      return [...found.values()];
    },
    productsChanged: (ids) => afterWrite(() => viewsChanged(ids)),
    productFactsChanged: (ids) =>
      afterWrite(async () => {
        await Promise.all([facts.invalidate(...ids), viewsChanged(ids)]);
      }),
    listsChanged: () => afterWrite(() => cache.bumpGeneration(listsNs)),
  };
}
