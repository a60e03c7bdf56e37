import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../platform/http/errors.js';
import type { ServicePool } from '../../../platform/http/service-pool.js';

export interface InternalResponse {
  status: number;
  body: unknown;
}

const timeoutMs = 10_000;
const attempts = 3;

/**
 * One request to another service's internal routes, through the pool of its instances. Only for
 * idempotent calls: network errors and 5xx answers are retried with a short backoff (each attempt
 * on the next instance), then reported as 502 bad_gateway. 2xx and 4xx answers are returned for
 * the caller to read.
 */
export async function callInternal(
  service: string,
  pool: ServicePool,
  path: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
): Promise<InternalResponse> {
  let failure = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(100 * 3 ** (attempt - 2));
    try {
      const response = await pool.request({
        method: init.method,
        path,
        headers: {
          accept: 'application/json',
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      if (response.statusCode >= 500) {
        failure = `${init.method} ${path} answered ${response.statusCode}`;
        continue;
      }
      return { status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : null };
    } catch (err) {
      failure = `${init.method} ${path} to ${pool.origins.join(', ')}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  // The cause is logged with the 502, never sent to the client.
  throw Object.assign(new AppError('bad_gateway', `The ${service} service did not answer; try again shortly.`), {
    cause: failure,
  });
}
