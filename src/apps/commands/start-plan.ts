import type { Config } from '../../platform/config/config-schema.js';
import type { ProcessOptions } from '../build-process.js';
import { isServiceName, serviceNames } from '../service-catalogue.js';

/** What `start [target]` runs: which services, whether with the gateway, and its name for people. */
export type StartPlan = Pick<ProcessOptions, 'services' | 'gateway'> & { what: string };

const roleNames: Record<Config['processRole'], string> = { all: '', api: ' API', background: ' background work' };

function targetPlan(target: string | undefined): StartPlan | null {
  if (!target || target === 'all') return { services: [...serviceNames], gateway: true, what: 'Emporium' };
  if (target === 'gateway') return { services: [], gateway: true, what: 'gateway' };
  if (isServiceName(target)) return { services: [target], gateway: false, what: target };
  return null;
}

export function planOf(target: string | undefined, role: Config['processRole'] = 'all'): StartPlan | null {
  const plan = targetPlan(target);
  return plan && { ...plan, gateway: plan.gateway && role !== 'background', what: `${plan.what}${roleNames[role]}` };
}

/** "ready at" as people read it: a wildcard address becomes localhost. */
const shownAddress = (address: string): string => address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');

export const readyLine = (plan: StartPlan, address: string, seconds: number, processes: number): string =>
  `${plan.what} is ready at ${shownAddress(address)} in ${seconds.toFixed(1)} s` +
  (processes > 1 ? ` (${processes} processes)` : '') +
  (plan.gateway ? ` (API docs: ${shownAddress(address)}/docs)` : '') +
  '\n';
