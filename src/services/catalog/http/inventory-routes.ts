import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';
import { adjustInventory } from '../domain/adjust-inventory.js';
import { adminSecurity, productTag, type CatalogHttpDeps } from './catalog-http-deps.js';
import { noStore } from './http-caching.js';
import { AdjustmentBody, ProductParams, StockLevels } from './product-schemas.js';

export function registerInventoryRoutes(app: HttpApp, { ctx, auth }: CatalogHttpDeps): void {
  app.post(
    '/products/:id/inventory-adjustments',
    {
      onRequest: auth.requireAdmin,
      schema: {
        tags: [productTag],
        summary: 'Count stock in or out',
        description:
          'Adds delta to the units on hand. Refused with 409 stock_reserved when on-hand would drop below what is reserved for orders.',
        security: adminSecurity,
        params: ProductParams,
        body: AdjustmentBody,
        response: { 200: StockLevels, ...problems(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const stock = await adjustInventory(ctx, request.params.id, {
        ...request.body,
        adjustedBy: request.principal?.userId ?? null,
      });
      noStore(reply);
      return { stock };
    },
  );
}
