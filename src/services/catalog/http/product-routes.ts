import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { getProduct } from '../domain/get-product.js';
import { listProducts } from '../domain/list-products.js';
import { productTag, type CatalogHttpDeps } from './catalog-http-deps.js';
import { cacheHeaders, ConditionalReadHeaders, isNotModified, notModified, NotModified } from './http-caching.js';
import { ListProductsQuery, ProductPage, ProductParams, ProductSchema } from './product-schemas.js';

/** Reads of active products, open to anyone and cacheable by shared caches. */
export function registerProductRoutes(app: HttpApp, { ctx, publicCacheControl }: CatalogHttpDeps): void {
  app.get(
    '/products',
    {
      schema: {
        tags: [productTag],
        summary: 'List and search active products',
        description: 'Full-text search, filters and keyset pagination: cursors stay valid while products are added.',
        querystring: ListProductsQuery,
        headers: ConditionalReadHeaders,
        response: {
          200: { ...ProductPage, description: 'A page of products.', headers: cacheHeaders },
          304: NotModified,
          ...problems(400, 429),
        },
      },
    },
    async (request, reply) => {
      const { value: page, etag } = await listProducts(ctx, { ...request.query, limit: request.query.limit ?? 20 });
      if (isNotModified(request, reply, etag, publicCacheControl)) return notModified(reply);
      return page;
    },
  );

  app.get(
    '/products/:id',
    {
      schema: {
        tags: [productTag],
        summary: 'Get an active product',
        params: ProductParams,
        headers: ConditionalReadHeaders,
        response: {
          200: { ...ProductSchema, description: 'The product.', headers: cacheHeaders },
          304: NotModified,
          ...problems(404, 429),
        },
      },
    },
    async (request, reply) => {
      const { value: product, etag } = await getProduct(ctx, request.params.id);
      if (isNotModified(request, reply, etag, publicCacheControl)) return notModified(reply);
      return product;
    },
  );
}
