import type { CartReader } from '../../contracts/api/cart-api.js';
import type { InventoryApi } from '../../contracts/api/inventory.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';

export function createOrdersService(_deps: ServiceDeps, _peers: { inventory: InventoryApi; carts: CartReader }): ServiceModule {
  return { name: 'orders', migrations: {} };
}
