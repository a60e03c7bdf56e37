import type { OpenApiDocument } from '../../platform/http/openapi.js';
import { AppError } from '../../platform/http/errors.js';
import type { RemoteService } from './gateway.js';

/**
 * Each service that runs apart describes its own operations at /openapi.json; the gateway's
 * document is theirs together. Asked for at each read of the gateway's document (rare), so that it
 * follows the services as they are upgraded one by one.
 */
export async function fetchForwardedDocuments(remotes: RemoteService[]): Promise<OpenApiDocument[]> {
  const bases = [...new Set(remotes.map((r) => r.url.replace(/\/+$/, '')))];
  return Promise.all(
    bases.map(async (base) => {
      try {
        const response = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(3_000) });
        if (response.status !== 200) throw new Error(`GET ${base}/openapi.json answered ${response.status}`);
        return (await response.json()) as OpenApiDocument;
      } catch (err) {
        // A document missing a service's operations would mislead; the address stays in the logs.
        throw Object.assign(new AppError('bad_gateway', 'A service did not describe its operations; try again shortly.'), { cause: err });
      }
    }),
  );
}
