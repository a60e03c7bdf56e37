import type { ServiceDeps, ServiceModule, ServiceName } from '../platform/runtime/service-module.js';
import { createIdentityService } from '../services/identity/identity-service.js';
import { createCatalogService } from '../services/catalog/catalog-service.js';

/** Every service this codebase can run, by name. The only place that imports the services. */
export const serviceNames = ['identity', 'catalog'] as const satisfies readonly ServiceName[];
export type RunnableService = (typeof serviceNames)[number];

export function createService(name: RunnableService, deps: ServiceDeps): ServiceModule {
  switch (name) {
    case 'identity':
      return createIdentityService(deps);
    case 'catalog':
      return createCatalogService(deps);
  }
}

export const isServiceName = (value: string): value is RunnableService =>
  (serviceNames as readonly string[]).includes(value);
