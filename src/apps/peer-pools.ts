import type { Logger } from '../platform/logging/logger.js';
import { defaultEjectMs, ServicePool } from '../platform/http/service-pool.js';

export interface PeerPools {
  /** The one pool of `service`'s instances in this process, shared by the gateway's routes and the services' clients. */
  of(service: string, urls: string[]): ServicePool;
  close(): Promise<void>;
}

/** The connections of one process to the services that run apart, made as they are first needed. */
export function peerPools(logger: Logger): PeerPools {
  const pools = new Map<string, ServicePool>();
  return {
    of(service, urls) {
      let pool = pools.get(service);
      if (!pool) {
        pool = new ServicePool(urls, {
          onEject: (origin, err) =>
            logger.warn(
              { service, origin, err: err.message },
              `${service} instance left out for ${defaultEjectMs / 1000} s after failing`,
            ),
        });
        pools.set(service, pool);
      }
      return pool;
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}
