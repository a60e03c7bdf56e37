import type { InventoryApi } from '../../contracts/api/inventory.js';
import type { ProductReader } from '../../contracts/api/catalog-api.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import { createCatalogCache } from './data/catalog-cache.js';
import type { CatalogDb } from './data/catalog-db.js';
import type { CatalogContext } from './domain/catalog-context.js';
import { commitReservation } from './domain/commit-reservation.js';
import { matchReservations, unmatchedReservations } from './domain/match-reservations.js';
import { releaseExpiredReservations } from './domain/release-expired-reservations.js';
import { releaseReservation } from './domain/release-reservation.js';
import { reserveStock } from './domain/reserve-stock.js';
import { seedDemoCatalog } from './domain/seed-demo-catalog.js';
import { registerAdminProductRoutes } from './http/admin-product-routes.js';
import { registerCategoryRoutes } from './http/category-routes.js';
import { publicCacheControl } from './http/http-caching.js';
import { registerInternalInventoryRoutes } from './http/internal-inventory-routes.js';
import { registerInternalProductRoutes } from './http/internal-product-routes.js';
import { lookUpProducts } from './domain/look-up-products.js';
import { registerInventoryRoutes } from './http/inventory-routes.js';
import { registerProductRoutes } from './http/product-routes.js';
import { onOrderCancelled } from './messages/on-order-cancelled.js';
import { onPaymentSucceeded } from './messages/on-payment-succeeded.js';

/** The catalog as the runtime sees it, plus the in-process APIs the cart and orders services use. */
export interface CatalogService extends ServiceModule {
  inventory: InventoryApi;
  products: ProductReader;
}

/** Products, categories and stock: public reads (cached), admin writes, reservations for orders. */
export function createCatalogService(deps: ServiceDeps): CatalogService {
  const { config } = deps;
  const ctx: CatalogContext = {
    db: deps.db.forSchema<CatalogDb>('catalog'),
    outbox: deps.outbox,
    cache: createCatalogCache({
      kv: deps.kv,
      ttlMs: config.cacheTtlSeconds * 1000,
      metrics: deps.metrics,
      logger: deps.logger,
    }),
    clock: deps.clock,
    logger: deps.logger,
    currency: config.storeCurrency,
    reservationTtlMs: config.reservationTtlSeconds * 1000,
  };
  const inventory: InventoryApi = {
    reserve: (orderId, lines) => reserveStock(ctx, orderId, lines),
    commit: (orderId) => commitReservation(ctx, orderId),
    release: (orderId) => releaseReservation(ctx, orderId),
    unmatched: (heldForMs) => unmatchedReservations(ctx, heldForMs),
    match: (orderIds) => matchReservations(ctx, orderIds),
  };
  const products: ProductReader = { productsByIds: (ids) => lookUpProducts(ctx, ids) };
  const http = { ctx, auth: deps.auth, publicCacheControl: publicCacheControl(config) };

  return {
    name: 'catalog',
    inventory,
    products,
    routes: (app) => {
      registerProductRoutes(app, http);
      registerAdminProductRoutes(app, http);
      registerInventoryRoutes(app, http);
      registerCategoryRoutes(app, http);
    },
    internalRoutes: (app) => {
      registerInternalInventoryRoutes(app, inventory);
      registerInternalProductRoutes(app, products);
    },
    subscriptions: [onPaymentSucceeded(ctx), onOrderCancelled(ctx)],
    jobs: [
      {
        name: 'release-expired-reservations',
        // Often enough that an expired hold lingers a fraction of its lifetime, at most 30 s.
        everyMs: Math.min(30_000, Math.max(1_000, ctx.reservationTtlMs / 4)),
        run: async () => {
          const released = await releaseExpiredReservations(ctx);
          if (released > 0) deps.logger.info({ released }, 'expired stock reservations released');
        },
      },
    ],
    start: async () => {
      if (!config.seedDemoData) return;
      const seeded = await seedDemoCatalog(ctx);
      if (seeded.products > 0)
        deps.announce(`Catalog: added ${seeded.products} demo products in ${seeded.categories} categories.`);
    },
  };
}
