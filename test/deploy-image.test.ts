import { readFileSync } from 'node:fs';
import { DockerfileParser, type Copy, type Instruction, type PropertyInstruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { configVariables } from './support/deploy-config.js';

/**
 * deploy/Dockerfile, checked as written: no container engine here can pull its base images. The
 * image itself is built by the release workflow.
 */
const dockerfile = DockerfileParser.parse(readFileSync('deploy/Dockerfile', 'utf8'));
const instructions = dockerfile.getInstructions();
const froms = dockerfile.getFROMs();
const runtimeStart = instructions.indexOf(froms.at(-1) as Instruction);
const runtime = instructions.slice(runtimeStart);
const of = (keyword: string) => runtime.filter((i) => i.getKeyword() === keyword);
const execForm = (instruction: Instruction | undefined) =>
  JSON.parse(instruction?.getArgumentsContent() ?? 'null') as string[];

describe('deploy/Dockerfile', () => {
  it('builds in one stage and runs in another, on a current Node LTS slim image', () => {
    expect(froms.map((f) => f.getBuildStage())).toEqual(['build', 'dependencies', 'runtime']);
    const base =
      dockerfile
        .getARGs()
        .find((a) => a.getProperty()?.getName() === 'NODE_IMAGE')
        ?.getProperty()
        ?.getValue() ?? '';
    expect(base).toMatch(/^node:(22|24)-\w+-slim$/);
    for (const from of froms) expect(from.getImageName()).toBe('${NODE_IMAGE}');
    const copies = of('COPY').map((c) => c.getArgumentsContent());
    expect(copies).toContain('/app/dist ./dist');
    expect((of('COPY') as Copy[]).flatMap((c) => c.getFlags().map((f) => `${f.getName()}=${f.getValue()}`))).toEqual([
      'from=dependencies',
      'from=build',
    ]);
    const installs = instructions.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    expect(installs.some((run) => run.startsWith('npm ci --omit=dev'))).toBe(true);
  });

  it('runs as a user other than root, under an init, with the CLI as its entry point', () => {
    const user = of('USER').at(-1)?.getArgumentsContent() ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(execForm(of('ENTRYPOINT')[0])).toEqual(['/usr/bin/tini', '--', 'node', 'dist/apps/cli.js']);
    expect(of('RUN').some((r) => /apt-get install .*\btini\b/.test(r.getArgumentsContent() ?? ''))).toBe(true);
    expect(execForm(of('CMD')[0])).toEqual(['start']);
  });

  it('checks its health on /health/live', () => {
    const healthcheck = of('HEALTHCHECK');
    expect(healthcheck.length).toBe(1);
    expect(healthcheck[0]?.getArgumentsContent()).toMatch(/\/health\/live/);
  });

  it('labels the image with the OCI annotations', () => {
    const labels = (of('LABEL') as PropertyInstruction[]).flatMap((l) => l.getProperties().map((p) => p.getName()));
    for (const name of ['title', 'description', 'source', 'version', 'revision', 'created', 'licenses'])
      expect(labels).toContain(`org.opencontainers.image.${name}`);
  });

  it('sets only variables that Node or the config schema know', () => {
    const names = of('ENV').flatMap((e) => (e as PropertyInstruction).getProperties().map((p) => p.getName()));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names.filter((n) => !['NODE_ENV', 'NODE_OPTIONS'].includes(n)))
      expect(configVariables.has(name), name).toBe(true);
  });

  it('sends the engine only what the build copies', () => {
    const ignore = readFileSync('.dockerignore', 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    expect(ignore[0]).toBe('*');
    expect(ignore.filter((line) => line.startsWith('!')).sort()).toEqual([
      '!package-lock.json',
      '!package.json',
      '!scripts/build.ts',
      '!src/',
      '!tsconfig.json',
    ]);
  });
});
