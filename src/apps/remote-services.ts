import type { Config } from '../platform/config/config-schema.js';
import type { RemoteService } from '../services/gateway/gateway.js';
import type { PeerPools } from './peer-pools.js';

/**
 * Where the gateway finds services that run apart, and the public paths each one answers.
 * The paths are the API's, so they are listed here rather than learnt from the services.
 */
export function remoteServices(config: Config, pools: PeerPools): RemoteService[] {
  const all: { name: string; urls: string[] | undefined; paths: string[] }[] = [
    { name: 'identity', urls: config.identityUrls, paths: ['/api/v1/auth', '/api/v1/me'] },
    { name: 'catalog', urls: config.catalogUrls, paths: ['/api/v1/products', '/api/v1/categories', '/media'] },
    { name: 'cart', urls: config.cartUrls, paths: ['/api/v1/cart'] },
    { name: 'orders', urls: config.ordersUrls, paths: ['/api/v1/checkout', '/api/v1/orders', '/api/v1/admin/orders'] },
    { name: 'payments', urls: config.paymentsUrls, paths: ['/api/v1/payments'] },
    { name: 'notifications', urls: config.notificationsUrls, paths: ['/api/v1/notifications'] },
  ];
  return all.flatMap(({ name, urls, paths }) => (urls ? [{ name, pool: pools.of(name, urls), paths }] : []));
}
