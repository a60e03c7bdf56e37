import type { CartApi } from '../../contracts/api/cart-api.js';
import type { InventoryApi } from '../../contracts/api/inventory.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import type { OrdersDb } from './data/orders-db.js';
import { cancelStaleOrders } from './domain/cancel-stale-orders.js';
import type { OrdersContext } from './domain/orders-context.js';
import { purgeIdempotencyKeys } from './domain/purge-idempotency-keys.js';
import { releaseAbandonedReservations } from './domain/release-abandoned-reservations.js';
import { registerAdminOrderRoutes } from './http/admin-order-routes.js';
import { registerCheckoutRoutes } from './http/checkout-routes.js';
import { registerOrderRoutes } from './http/order-routes.js';
import { onPaymentFailed } from './messages/on-payment-failed.js';
import { onPaymentRefunded } from './messages/on-payment-refunded.js';
import { onPaymentSucceeded } from './messages/on-payment-succeeded.js';

/**
 * Orders: checkout (the saga's first step), order history, payment outcomes, cancellation and
 * shipping. Publishes order.placed / confirmed / cancelled / shipped; consumes payment events.
 */
export function createOrdersService(
  deps: ServiceDeps,
  peers: { inventory: InventoryApi; carts: CartApi },
): ServiceModule {
  const { config } = deps;
  const ctx: OrdersContext = {
    db: deps.db.forSchema<OrdersDb>('orders'),
    outbox: deps.outbox,
    kv: deps.kv,
    clock: deps.clock,
    logger: deps.logger,
    metrics: deps.metrics,
    inventory: peers.inventory,
    carts: peers.carts,
    paymentTimeoutMs: config.paymentTimeoutSeconds * 1000,
    idempotencyTtlMs: config.idempotencyTtlHours * 3_600_000,
  };
  const http = { ctx, auth: deps.auth };

  return {
    name: 'orders',
    routes: (app) => {
      registerCheckoutRoutes(app, http);
      registerOrderRoutes(app, http);
      registerAdminOrderRoutes(app, http);
    },
    subscriptions: [onPaymentSucceeded(ctx), onPaymentFailed(ctx), onPaymentRefunded(ctx)],
    jobs: [
      {
        name: 'cancel-unpaid-orders',
        // An unpaid order outlives its timeout by a fraction of it, at most 30 s.
        everyMs: Math.min(30_000, Math.max(1_000, ctx.paymentTimeoutMs / 4)),
        run: async () => {
          const cancelled = await cancelStaleOrders(ctx);
          if (cancelled > 0) deps.logger.info({ cancelled }, 'orders not paid in time cancelled');
        },
      },
      {
        name: 'release-abandoned-reservations',
        // A reservation whose order was never written goes back at most this long after `abandonedAfterMs`.
        everyMs: 5_000,
        run: async () => {
          const released = await releaseAbandonedReservations(ctx);
          if (released > 0)
            deps.logger.info({ released }, 'reservations of checkouts that never wrote their order released');
        },
      },
      {
        name: 'purge-idempotency-keys',
        everyMs: 15 * 60_000,
        run: async () => {
          const purged = await purgeIdempotencyKeys(ctx);
          if (purged > 0) deps.logger.info({ purged }, 'expired checkout idempotency keys deleted');
        },
      },
    ],
  };
}
