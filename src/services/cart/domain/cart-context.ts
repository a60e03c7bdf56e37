import type { ProductReader } from '../../../contracts/api/catalog-api.js';
import type { Clock } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logging/logger.js';
import type { CartStore } from '../data/cart-store.js';

/** What every cart use case works with, built once by the composition root. */
export interface CartContext {
  store: CartStore;
  /** The catalog, in process or over HTTP: current names and prices. */
  products: ProductReader;
  clock: Clock;
  logger: Logger;
  /** The store currency: the subtotal is in it. */
  currency: string;
}
