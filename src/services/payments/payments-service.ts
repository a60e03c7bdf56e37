import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';

export function createPaymentsService(_deps: ServiceDeps): ServiceModule {
  return { name: 'payments', migrations: {} };
}
