import { configSchema } from '../../src/platform/config/config-schema.js';
import { serviceNames } from '../../src/apps/service-catalogue.js';

/** Every environment variable Emporium reads (src/platform/config/config-schema.ts). */
export const configVariables: ReadonlySet<string> = new Set(Object.values(configSchema).map((setting) => setting.env));

/** The `start` targets of the CLI (src/apps/cli.ts): the gateway, or one service alone. */
export const startTargets: readonly string[] = ['gateway', ...serviceNames];

/**
 * Whether `args`, given to the image's `node dist/apps/cli.js`, name a command the CLI runs for a
 * deployment: `start <target>`, or `migrate [service]`.
 */
export function isCliCommand(args: readonly string[]): boolean {
  const [command, target, ...rest] = args;
  if (rest.length > 0) return false;
  if (command === 'start') return target !== undefined && startTargets.includes(target);
  if (command === 'migrate') return target === undefined || (serviceNames as readonly string[]).includes(target);
  return false;
}
