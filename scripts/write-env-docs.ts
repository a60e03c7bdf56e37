import { readFileSync, writeFileSync } from 'node:fs';
import { configSchema } from '../src/platform/config/config-schema.js';

/**
 * `npm run docs:env`: writes the README's configuration table and `.env.example` from the
 * config schema, the one place settings are defined (test/docs.test.ts checks they agree).
 */
const shown = (value: unknown): string =>
  value === undefined ? '' : Array.isArray(value) ? value.join(',') : String(value);
const settings = Object.values(configSchema);

const table = [
  '| variable | default | meaning |',
  '| --- | --- | --- |',
  ...settings.map((s) => `| \`${s.env}\` | ${shown(s.default) ? `\`${shown(s.default)}\`` : '(unset)'} | ${s.doc} |`),
].join('\n');

const begin = '<!-- env:begin -->';
const end = '<!-- env:end -->';
const readme = readFileSync('README.md', 'utf8');
const from = readme.indexOf(begin);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md needs ${begin} and ${end} around the configuration table`);
writeFileSync('README.md', `${readme.slice(0, from + begin.length)}\n${table}\n${readme.slice(to)}`);

const example = settings.map((s) => `# ${s.doc}\n# ${s.env}=${s.secret ? '' : shown(s.default)}`).join('\n\n');
writeFileSync(
  '.env.example',
  `# Emporium settings. Every one is optional; unset means the default shown.\n# Set them in the environment of the process (a container, a systemd unit, your shell).\n\n${example}\n`,
);
