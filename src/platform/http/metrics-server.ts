import cluster from 'node:cluster';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `GET /metrics` on a listener of its own (METRICS_HOST:METRICS_PORT), never on the public port:
 * what the shop counts is for its operators. Nothing else is served there.
 */
export interface MetricsServer {
  /** The address of `/metrics` once listening; null before, and in a cluster worker. */
  url: string | null;
  listen(): Promise<string | null>;
  close(): Promise<void>;
}

export interface MetricsListener {
  port: number;
  host: string;
}

interface MetricsSource {
  contentType: string;
  metrics(): Promise<string>;
}

function serve(source: MetricsSource, { port, host }: MetricsListener): MetricsServer {
  const server: Server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Only GET /metrics is served here.\n');
      return;
    }
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType, 'cache-control': 'no-store' }).end(text),
      () =>
        response
          .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
          .end('Metrics could not be collected.\n'),
    );
  });
  const self: MetricsServer = {
    url: null,
    async listen() {
      server.listen(port, host);
      await once(server, 'listening');
      const address = server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      self.url = `http://${shown}:${address.port}/metrics`;
      return self.url;
    },
    async close() {
      if (!server.listening) return;
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
  return self;
}

/**
 * One process's metrics. In a node:cluster worker nothing listens: the workers would share one
 * port and a scrape would see whichever worker took it, so the primary serves their sum instead
 * (see `serveClusterMetrics`) and the worker answers its requests over IPC.
 */
export function serveMetrics(registry: Registry, listener: MetricsListener): MetricsServer {
  if (!cluster.isWorker) return serve(registry, listener);
  return {
    url: null,
    async listen() {
      // Constructing one installs prom-client's IPC answer to the primary's requests.
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries(registry);
      return null;
    },
    async close() {},
  };
}

/** A cluster primary's listener: the metrics of every worker, added up (prom-client's aggregation). */
export function serveClusterMetrics(listener: MetricsListener): MetricsServer {
  const aggregator = new AggregatorRegistry();
  return serve({ contentType: aggregator.contentType, metrics: () => aggregator.clusterMetrics() }, listener);
}
