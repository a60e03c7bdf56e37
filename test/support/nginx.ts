import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from './eventually.js';
import { freePort } from './free-port.js';

/** The shipped deploy/nginx configuration, rendered for `gateways`, running unprivileged on a free port. */
export async function startNginx(
  gateways: string[],
): Promise<{ url: string; errorLog(): string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'emporium-nginx-'));
  const port = await freePort();
  const hosts = gateways.map((g) => new URL(g).host);
  const conf = execFileSync(resolve('deploy/nginx/render.sh'), [dir, `127.0.0.1:${port}`, ...hosts], {
    encoding: 'utf8',
  }).trim();
  const nginx = spawn('nginx', ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf, '-g', 'daemon off;'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => nginx.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(
      async () => ((await fetch(`${url}/health/live`).catch(() => undefined))?.ok ? true : undefined),
      10_000,
      'nginx listening',
    );
  } catch (err) {
    nginx.kill();
    throw new Error(`nginx did not start: ${readFileSync(join(dir, 'error.log'), 'utf8')}`, { cause: err });
  }
  return {
    url,
    errorLog: () => readFileSync(join(dir, 'error.log'), 'utf8'),
    stop: async () => {
      nginx.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
