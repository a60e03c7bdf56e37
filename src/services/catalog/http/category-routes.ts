import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { createCategory } from '../domain/create-category.js';
import { listCategories } from '../domain/list-categories.js';
import { adminSecurity, categoryTag, type CatalogHttpDeps } from './catalog-http-deps.js';
import {
  cacheHeaders,
  ConditionalReadHeaders,
  isNotModified,
  noStore,
  notModified,
  NotModified,
} from './http-caching.js';
import { Category, CategoryListResponse, CreateCategoryBody } from './product-schemas.js';

export function registerCategoryRoutes(app: HttpApp, { ctx, auth, publicCacheControl }: CatalogHttpDeps): void {
  app.get(
    '/categories',
    {
      schema: {
        tags: [categoryTag],
        summary: 'List categories',
        description: 'Every category, by name, with the number of active products in it.',
        headers: ConditionalReadHeaders,
        response: {
          200: { ...CategoryListResponse, description: 'Every category.', headers: cacheHeaders },
          304: NotModified,
          ...problems(429),
        },
      },
    },
    async (request, reply) => {
      const { value: categories, etag } = await listCategories(ctx);
      if (isNotModified(request, reply, etag, publicCacheControl)) return notModified(reply);
      return categories;
    },
  );

  app.post(
    '/categories',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [categoryTag],
        summary: 'Create a category',
        security: adminSecurity,
        body: CreateCategoryBody,
        response: { 201: Category, ...problems(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const category = await createCategory(ctx, request.body);
      return noStore(reply).code(201).send(category);
    },
  );
}
