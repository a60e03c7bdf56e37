import type { InventoryApi } from '../../../contracts/api/inventory.js';

export function createHttpInventoryClient(_baseUrl: string): InventoryApi {
  throw new Error('not built yet');
}
