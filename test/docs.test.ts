import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/platform/config/config-schema.js';

const readme = readFileSync('README.md', 'utf8');
const envExample = readFileSync('.env.example', 'utf8');

describe('documentation', () => {
  it('shows a newcomer the two commands first', () => {
    const start = readme.indexOf('npm install && npm start');
    const test = readme.indexOf('npm install && npm test');
    expect(start).toBeGreaterThan(0);
    expect(test).toBeGreaterThan(start);
    expect(readme.indexOf('## Configuration')).toBeGreaterThan(test);
  });

  it.each(Object.values(configSchema).map((s) => s.env))('documents %s in the README and .env.example', (env) => {
    expect(readme).toMatch(new RegExp(`\\| \`${env}\` \\|`));
    expect(envExample).toMatch(new RegExp(`^# ${env}=`, 'm'));
  });
});
