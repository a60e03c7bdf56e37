import type { Mailer } from '../../platform/mail/mailer.js';
import type { ServiceDeps, ServiceModule } from '../../platform/runtime/service-module.js';

export function createNotificationsService(_deps: ServiceDeps, _peers: { mailer: Mailer }): ServiceModule {
  return { name: 'notifications', migrations: {} };
}
