import type { OpenApiDocument } from '../../platform/http/openapi.js';
import { AppError } from '../../platform/http/errors.js';
import type { RemoteService } from './gateway.js';

/**
 * Each service that runs apart describes its own operations at /openapi.json; the gateway's
 * document is theirs together. Asked for at each read of the gateway's document (rare), so that it
 * follows the services as they are upgraded one by one.
 */
export async function fetchForwardedDocuments(remotes: RemoteService[]): Promise<OpenApiDocument[]> {
  return Promise.all(
    remotes.map(async ({ name, pool }) => {
      try {
        const response = await pool.request({
          method: 'GET',
          path: '/openapi.json',
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(3_000),
        });
        if (response.statusCode !== 200) {
          await response.body.dump();
          throw new Error(`GET /openapi.json of ${name} (${pool.origins.join(', ')}) answered ${response.statusCode}`);
        }
        return (await response.body.json()) as OpenApiDocument;
      } catch (err) {
        // A document missing a service's operations would mislead; the address stays in the logs.
        throw Object.assign(
          new AppError('bad_gateway', 'A service did not describe its operations; try again shortly.'),
          { cause: err },
        );
      }
    }),
  );
}
