import type { UpstreamReport } from '../../platform/http/health-routes.js';

export interface Upstream {
  name: string;
  /** Base URLs of its instances. */
  urls: string[];
}

export interface UpstreamHealthOptions {
  /** Longest wait for one instance's answer; a slow instance counts as down. */
  timeoutMs?: number;
  /** How long one round of probes answers every readiness check. */
  cacheMs?: number;
}

async function ready(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, '')}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The state of each service the gateway routes to: up while any of its instances is ready, with
 * the count of instances that are (never their addresses: readiness is public). One round of
 * probes (each instance's /health/ready, in parallel) serves every readiness check for `cacheMs`,
 * so frequent probes of many gateways do not turn into load on the services.
 */
export function upstreamHealth(
  upstreams: Upstream[],
  { timeoutMs = 1_000, cacheMs = 2_000 }: UpstreamHealthOptions = {},
): () => Promise<UpstreamReport> {
  let last: { at: number; states: Promise<UpstreamReport> } | null = null;
  const probe = async (): Promise<UpstreamReport> => {
    const answers = await Promise.all(
      upstreams.map(({ urls }) => Promise.all(urls.map((url) => ready(url, timeoutMs)))),
    );
    const report: UpstreamReport = { upstreams: {}, instances: {} };
    upstreams.forEach(({ name, urls }, i) => {
      const up = answers[i]?.filter(Boolean).length ?? 0;
      report.upstreams[name] = up > 0 ? 'up' : 'down';
      report.instances[name] = { up, down: urls.length - up };
    });
    return report;
  };
  return () => {
    if (!last || Date.now() - last.at >= cacheMs) last = { at: Date.now(), states: probe() };
    return last.states;
  };
}
