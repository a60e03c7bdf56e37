import { ProductLookupRequest, ProductLookupResponse, type ProductReader } from '../../../contracts/api/catalog-api.js';
import type { HttpApp } from '../../../platform/http/build-http-app.js';
import { problems } from '../../../platform/http/problem-schema.js';

/** The ProductReader over HTTP, for a cart service running in another process. */
export function registerInternalProductRoutes(app: HttpApp, products: ProductReader): void {
  app.post(
    '/products/lookup',
    { schema: { body: ProductLookupRequest, response: { 200: ProductLookupResponse, ...problems(400) } } },
    async (request) => ({ items: await products.productsByIds(request.body.ids) }),
  );
}
