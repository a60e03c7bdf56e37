import { Type } from 'typebox';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { archiveProduct } from '../domain/archive-product.js';
import { createProduct } from '../domain/create-product.js';
import { updateProduct, type Precondition } from '../domain/update-product.js';
import { adminSecurity, productTag, type CatalogHttpDeps } from './catalog-http-deps.js';
import { etagOf, headerMatches, noStore } from './http-caching.js';
import { CreateProductBody, ProductParams, ProductSchema, UpdateProductBody } from './product-schemas.js';

/** Writes to products, for admins only. */
export function registerAdminProductRoutes(app: HttpApp, deps: CatalogHttpDeps): void {
  registerCreateProduct(app, deps);
  registerChangeProduct(app, deps);
  registerArchiveProduct(app, deps);
}

function registerCreateProduct(app: HttpApp, { ctx, auth }: CatalogHttpDeps): void {
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
}

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'ETag of the product as you read it: 412 when it has changed since.' }),
  ),
});

/** Whether a change may go ahead on the product as it is now: always, unless If-Match names another version. */
const ifMatchAllows =
  (ifMatch: string | undefined): Precondition =>
  (current) =>
    ifMatch === undefined || headerMatches(ifMatch, etagOf(current));

function registerChangeProduct(app: HttpApp, { ctx, auth }: CatalogHttpDeps): void {
  app.patch(
    '/products/:id',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [productTag],
        summary: 'Change a product',
        description:
          'Changes only the fields sent. Send If-Match with the ETag you read to avoid overwriting someone else’s change.',
        security: adminSecurity,
        params: ProductParams,
        headers: IfMatchHeaders,
        body: UpdateProductBody,
        response: { 200: ProductSchema, ...problems(400, 401, 403, 404, 412, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const product = await updateProduct(
        ctx,
        request.params.id,
        request.body,
        ifMatchAllows(request.headers['if-match']),
      );
      noStore(reply).header('ETag', etagOf(product));
      return product;
    },
  );
}

function registerArchiveProduct(app: HttpApp, { ctx, auth }: CatalogHttpDeps): void {
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
