import { join } from 'node:path';
import type { ServiceDeps, ServiceModule, ServiceName } from '../platform/runtime/service-module.js';
import { createMailer } from '../platform/mail/create-mailer.js';
import { ConfigError } from '../platform/config/load-config.js';
import type { Migrations } from '../platform/db/migrate.js';
import { messagingMigrations } from '../platform/messaging/messaging-migrations.js';
import { identityMigrations } from '../services/identity/data/identity-migrations.js';
import { catalogMigrations } from '../services/catalog/data/catalog-migrations.js';
import { ordersMigrations } from '../services/orders/data/orders-migrations.js';
import { paymentsMigrations } from '../services/payments/data/payments-migrations.js';
import { notificationsMigrations } from '../services/notifications/data/notifications-migrations.js';
import { createIdentityService } from '../services/identity/identity-service.js';
import { createCatalogService, type CatalogService } from '../services/catalog/catalog-service.js';
import { createCartService, type CartService } from '../services/cart/cart-service.js';
import { createHttpProductReader } from '../services/cart/clients/http-product-reader.js';
import { createOrdersService } from '../services/orders/orders-service.js';
import { createHttpInventoryClient } from '../services/orders/clients/http-inventory-client.js';
import { createHttpCartClient } from '../services/orders/clients/http-cart-client.js';
import { createPaymentsService } from '../services/payments/payments-service.js';
import { createNotificationsService } from '../services/notifications/notifications-service.js';
import type { PeerPools } from './peer-pools.js';

/** Every service this codebase can run, in the order they are built (peers before their users). */
export const serviceNames = [
  'identity',
  'catalog',
  'cart',
  'orders',
  'payments',
  'notifications',
] as const satisfies readonly ServiceName[];
export type RunnableService = (typeof serviceNames)[number];

/**
 * Each service's schema: its outbox, inbox and dead letters, then its own tables. Apart from the
 * services' wiring, so `migrate` needs nothing but the database (no keys, no peers' addresses).
 */
export function schemaMigrations(name: RunnableService): Migrations {
  const own: Record<RunnableService, Migrations> = {
    identity: identityMigrations,
    catalog: catalogMigrations,
    cart: {},
    orders: ordersMigrations,
    payments: paymentsMigrations,
    notifications: notificationsMigrations,
  };
  return { ...messagingMigrations, ...own[name] };
}

/** Services already built in this process; a service whose peer runs elsewhere gets an HTTP client. */
export type Peers = Map<RunnableService, ServiceModule>;

export function createService(name: RunnableService, deps: ServiceDeps, peers: Peers, pools: PeerPools): ServiceModule {
  const { config } = deps;
  const catalog = peers.get('catalog') as CatalogService | undefined;
  const cart = peers.get('cart') as CartService | undefined;
  const remote = (service: 'catalog' | 'cart', urls: string[] | undefined, variable: string) => {
    if (!urls) throw new ConfigError(`${variable} must be set: ${service} does not run in this process.`);
    return pools.of(service, urls);
  };
  switch (name) {
    case 'identity':
      return createIdentityService(deps);
    case 'catalog':
      return createCatalogService(deps);
    case 'cart':
      return createCartService(deps, {
        products: catalog?.products ?? createHttpProductReader(remote('catalog', config.catalogUrls, 'CATALOG_URL')),
      });
    case 'orders':
      return createOrdersService(deps, {
        inventory:
          catalog?.inventory ?? createHttpInventoryClient(remote('catalog', config.catalogUrls, 'CATALOG_URL')),
        carts: cart?.carts ?? createHttpCartClient(remote('cart', config.cartUrls, 'CART_URL')),
      });
    case 'payments':
      return createPaymentsService(deps);
    case 'notifications':
      return createNotificationsService(deps, {
        mailer: createMailer({ smtpUrl: config.smtpUrl, mailDir: join(config.dataDir, 'mail'), from: config.mailFrom }),
      });
  }
}

export const isServiceName = (value: string): value is RunnableService =>
  (serviceNames as readonly string[]).includes(value);
