import autocannon from 'autocannon';

/**
 * Runs one autocannon scenario in its own process (so the load generator does not share an
 * event loop with the server) and prints the result as one JSON line.
 */
interface Scenario {
  url: string;
  paths: string[];
  connections: number;
  durationSeconds: number;
  method?: string;
  headers?: Record<string, string>;
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as Scenario;
let next = 0;
const result = await autocannon({
  url: scenario.url,
  connections: scenario.connections,
  duration: scenario.durationSeconds,
  headers: scenario.headers ?? {},
  requests: [
    {
      method: (scenario.method ?? 'GET') as 'GET',
      setupRequest: (request) => ({ ...request, path: scenario.paths[next++ % scenario.paths.length] ?? '/' }),
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  }) + '\n',
);
