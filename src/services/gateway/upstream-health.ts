import type { UpstreamState } from '../../platform/http/health-routes.js';

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
 * The state of each service the gateway routes to: up while any of its instances is ready. One
 * round of probes (each instance's /health/ready, in parallel) serves every readiness check for
 * `cacheMs`, so frequent probes of many gateways do not turn into load on the services.
 */
export function upstreamHealth(upstreams: Upstream[], { timeoutMs = 1_000, cacheMs = 2_000 }: UpstreamHealthOptions = {}): () => Promise<Record<string, UpstreamState>> {
  let last: { at: number; states: Promise<Record<string, UpstreamState>> } | null = null;
  const probe = async () => {
    const states = await Promise.all(
      upstreams.map(async ({ name, urls }) => {
        const answers = await Promise.all(urls.map((url) => ready(url, timeoutMs)));
        return [name, answers.some(Boolean) ? 'up' : 'down'] as const;
      }),
    );
    return Object.fromEntries(states);
  };
  return () => {
    if (!last || Date.now() - last.at >= cacheMs) last = { at: Date.now(), states: probe() };
    return last.states;
  };
}
