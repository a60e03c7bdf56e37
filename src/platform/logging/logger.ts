import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { redactUrl } from './redact-url.js';

export type { Logger };

/** What the request serializer reads: Fastify's request, or Node's for a raw server. */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

// Fastify's own fields for the request, with credentials in the URL's query replaced: an access
// token sent as ?access_token= must not end up in log storage.
const req = (request: LoggedRequest) => ({
  method: request.method,
  url: request.url === undefined ? undefined : redactUrl(request.url),
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

// Credentials wherever a logged object carries them: request headers (at the top or one level
// down, as in `req.headers`) and the token and password fields of bodies.
const redact = [
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
];

/** `destination` replaces standard output (tests read what was logged). */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  name = 'emporium',
  destination?: DestinationStream,
): Logger {
  const pretty = !destination && (config.logFormat ? config.logFormat === 'pretty' : Boolean(process.stdout.isTTY));
  const options = {
    name,
    level: config.logLevel,
    serializers: { req },
    redact,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
