import type { CartApi } from '../../contracts/api/cart-api.js';
import type { ProductReader } from '../../contracts/api/catalog-api.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';
import { createCartStore } from './data/cart-store.js';
import { cartLines } from './domain/cart-lines.js';
import { emptyOrderedCart } from './domain/empty-ordered-cart.js';
import type { CartContext } from './domain/cart-context.js';
import { registerCartItemRoutes, registerCartRoutes } from './http/cart-routes.js';
import { registerInternalCartRoutes } from './http/internal-cart-routes.js';
import { onOrderPlaced } from './messages/on-order-placed.js';

/** The cart as the runtime sees it, plus the in-process API the orders service uses. */
export interface CartService extends ServiceModule {
  carts: CartApi;
}

/**
 * One cart per signed-in user in the key-value store, shown at current catalog prices and
 * emptied when an order takes it. No tables of its own: its schema holds only the inbox.
 */
export function createCartService(deps: ServiceDeps, peers: { products: ProductReader }): CartService {
  const ctx: CartContext = {
    store: createCartStore(deps.kv),
    products: peers.products,
    clock: deps.clock,
    logger: deps.logger,
    currency: deps.config.storeCurrency,
  };
  const carts: CartApi = {
    linesOf: (userId) => cartLines(ctx, userId),
    takeOrder: (order) => emptyOrderedCart(ctx, order),
  };

  return {
    name: 'cart',
    carts,
    routes: (app) => {
      registerCartRoutes(app, ctx, deps.auth);
      registerCartItemRoutes(app, ctx, deps.auth);
    },
    internalRoutes: (app) => registerInternalCartRoutes(app, carts),
    subscriptions: [onOrderPlaced(ctx)],
  };
}
