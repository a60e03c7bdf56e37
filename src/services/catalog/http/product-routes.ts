import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { archiveProduct } from '../domain/archive-product.js';
import { createProduct } from '../domain/create-product.js';
import { getProduct } from '../domain/get-product.js';
import { listProducts } from '../domain/list-products.js';
import { updateProduct } from '../domain/update-product.js';
import { adminSecurity, productTag, type CatalogHttpDeps } from './catalog-http-deps.js';
import { cacheHeaders, ConditionalReadHeaders, etagOf, headerMatches, isNotModified, noStore, notModified, NotModified } from './http-caching.js';
import { CreateProductBody, ListProductsQuery, ProductPage, ProductParams, ProductSchema, UpdateProductBody } from './product-schemas.js';
import { Type } from 'typebox';

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'ETag of the product as you read it: 412 when it has changed since.' })),
});

export function registerProductRoutes(app: HttpApp, { ctx, auth, publicCacheControl }: CatalogHttpDeps): void {
  app.get(
    '/products',
    {
      schema: {
        tags: [productTag],
        summary: 'List and search active products',
        description: 'Full-text search, filters and keyset pagination: cursors stay valid while products are added.',
        querystring: ListProductsQuery,
        headers: ConditionalReadHeaders,
        response: { 200: { ...ProductPage, description: 'A page of products.', headers: cacheHeaders }, 304: NotModified, ...problems(400, 429) },
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
        response: { 200: { ...ProductSchema, description: 'The product.', headers: cacheHeaders }, 304: NotModified, ...problems(404, 429) },
      },
    },
    async (request, reply) => {
      const { value: product, etag } = await getProduct(ctx, request.params.id);
      if (isNotModified(request, reply, etag, publicCacheControl)) return notModified(reply);
      return product;
    },
  );

  app.post(
    '/products',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [productTag],
        summary: 'Create a product',
        security: adminSecurity,
        body: CreateProductBody,
        response: { 201: ProductSchema, ...problems(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const product = await createProduct(ctx, request.body);
      noStore(reply).header('ETag', etagOf(product)).header('Location', `/api/v1/products/${product.id}`);
      return reply.code(201).send(product);
    },
  );

  app.patch(
    '/products/:id',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [productTag],
        summary: 'Change a product',
        description: 'Changes only the fields sent. Send If-Match with the ETag you read to avoid overwriting someone else’s change.',
        security: adminSecurity,
        params: ProductParams,
        headers: IfMatchHeaders,
        body: UpdateProductBody,
        response: { 200: ProductSchema, ...problems(400, 401, 403, 404, 412, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const ifMatch = request.headers['if-match'];
      const product = await updateProduct(ctx, request.params.id, request.body, (current) =>
        ifMatch === undefined ? true : headerMatches(ifMatch, etagOf(current)),
      );
      noStore(reply).header('ETag', etagOf(product));
      return product;
    },
  );

  app.delete(
    '/products/:id',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [productTag],
        summary: 'Archive a product',
        description: 'Hides the product from the catalog; it is kept for past orders. Archiving twice is harmless.',
        security: adminSecurity,
        params: ProductParams,
        response: { 204: Type.Null({ description: 'Archived.' }), ...problems(401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await archiveProduct(ctx, request.params.id);
      return noStore(reply).code(204).send();
    },
  );
}
