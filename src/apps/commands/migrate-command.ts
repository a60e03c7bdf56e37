import type { Config } from '../../platform/config/config-schema.js';
import { buildProcess } from '../build-process.js';
import { serviceNames } from '../service-catalogue.js';

export async function migrateCommand(config: Config): Promise<number> {
  const proc = await buildProcess({ config, services: [...serviceNames], gateway: false, runStartHooks: false });
  await proc.stop();
  process.stdout.write(`Schemas up to date: ${serviceNames.join(', ')}.\n`);
  return 0;
}
