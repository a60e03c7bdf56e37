import type { HttpApp } from './build-http-app.js';

export interface Drain {
  /** True once shutdown began: readiness fails and every answer closes its connection. */
  readonly draining: boolean;
  start(): void;
}

/**
 * The first step of a graceful shutdown: the process keeps serving, but readiness fails (so load
 * balancers stop sending new work) and every answer carries `Connection: close`, so keep-alive
 * clients open their next connection elsewhere instead of finding this one closed under them.
 * Idle connections are closed when the listener closes (`forceCloseConnections: 'idle'`).
 */
export function installDrain(app: HttpApp): Drain {
  let draining = false;
  // onSend, not onRequest: a request that began before the drain and answers during it closes too.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('Connection', 'close');
    return payload;
  });
  return {
    get draining() {
      return draining;
    },
    start() {
      draining = true;
    },
  };
}
