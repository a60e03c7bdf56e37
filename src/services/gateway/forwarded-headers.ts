import type { IncomingHttpHeaders } from 'node:http';

/**
 * The headers a forwarded request carries to the service behind the gateway: the client's address
 * appended to X-Forwarded-For, so that a service trusting the gateway (TRUSTED_PROXIES) scopes
 * anonymous Idempotency-Keys per client rather than all clients as the gateway; and the request
 * id the gateway logs and answers with, so that both processes log the request under one id.
 */
export function forwardedHeaders(
  request: { id: string; socket: { remoteAddress?: string | undefined } },
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const earlier = headers['x-forwarded-for'];
  const peer = request.socket.remoteAddress;
  const chain = [earlier, peer].flat().filter((hop): hop is string => Boolean(hop));
  return { ...headers, 'x-forwarded-for': chain.join(', '), 'x-request-id': request.id };
}
