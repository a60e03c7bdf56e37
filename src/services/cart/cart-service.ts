import type { CartReader } from '../../contracts/api/cart-api.js';
import type { ProductReader } from '../../contracts/api/catalog-api.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';

export interface CartService extends ServiceModule {
  carts: CartReader;
}

export function createCartService(_deps: ServiceDeps, _peers: { products: ProductReader }): CartService {
  return { name: 'cart', migrations: {}, carts: { linesOf: async () => [] } };
}
