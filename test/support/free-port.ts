import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

const listenOn = (port: number) =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      server.close(() => done(bound));
    });
  });

/**
 * A TCP port on 127.0.0.1 that nothing listens on now, below the range the kernel hands out for
 * outgoing connections and port 0. A port chosen up front is listened on only later (a process
 * starting, or restarting at the address its peers know): an ephemeral one would meanwhile be
 * taken by any connection on a busy machine.
 */
export async function freePort(): Promise<number> {
  const high = ephemeralPortsStart();
  const low = Math.max(1024, high - 12_000);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    try {
      return await listenOn(port);
    } catch {
      // Taken: try another.
    }
  }
  return listenOn(0);
}

/** Where the kernel's range for outgoing connections and port 0 begins (Linux's default elsewhere). */
function ephemeralPortsStart(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}
