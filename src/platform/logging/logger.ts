import { pino, type Logger } from 'pino';
import type { Config } from '../config/config-schema.js';

export type { Logger };

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, name = 'emporium'): Logger {
  const pretty = config.logFormat ? config.logFormat === 'pretty' : Boolean(process.stdout.isTTY);
  return pino({
    name,
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'],
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}
