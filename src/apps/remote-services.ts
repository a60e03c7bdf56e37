import type { Config } from '../platform/config/config-schema.js';
import type { RemoteService } from '../services/gateway/gateway.js';

/**
 * Where the gateway finds services that run apart, and the public paths each one answers.
 * The paths are the API's, so they are listed here rather than learnt from the services.
 */
export function remoteServices(config: Config): RemoteService[] {
  const all: (RemoteService & { url: string | undefined })[] = [
    { name: 'identity', url: config.identityUrl, paths: ['/api/v1/auth', '/api/v1/me'] },
    { name: 'catalog', url: config.catalogUrl, paths: ['/api/v1/products', '/api/v1/categories', '/media'] },
    { name: 'cart', url: config.cartUrl, paths: ['/api/v1/cart'] },
    { name: 'orders', url: config.ordersUrl, paths: ['/api/v1/checkout', '/api/v1/orders', '/api/v1/admin/orders'] },
    { name: 'payments', url: config.paymentsUrl, paths: ['/api/v1/payments'] },
    { name: 'notifications', url: config.notificationsUrl, paths: ['/api/v1/notifications'] },
  ];
  return all.filter((r): r is RemoteService => Boolean(r.url));
}
