import { int, oneOf, str, url, setting } from './setting-parsers.js';

/** Where the process listens, the stores and servers it uses, and its logs. */
export const processSettings = {
  port: setting({ env: 'PORT', doc: 'TCP port the HTTP server listens on.', default: 3000, parse: int(0, 65535) }),
  workers: setting({
    env: 'WORKERS',
    doc: 'Processes that serve `start` together on its one port (node:cluster), to use more cores. Above 1 needs DATABASE_URL, REDIS_URL and AMQP_URL: the embedded stores belong to one process.',
    default: 1,
    parse: int(1, 64),
  }),
  processRole: setting({
    env: 'PROCESS_ROLE',
    doc: 'What this process does: `all`; `api`, the HTTP API only; or `background`, the event consumers and jobs (charging payments, sending email, order timeouts) only, with health and metrics over HTTP. Both publish what they write. `api` and `background` need DATABASE_URL, REDIS_URL and AMQP_URL, and run side by side to scale each apart.',
    default: 'all',
    parse: oneOf('all', 'api', 'background'),
  }),
  host: setting({ env: 'HOST', doc: 'Interface the HTTP server binds to.', default: '0.0.0.0', parse: str() }),
  metricsPort: setting({
    env: 'METRICS_PORT',
    doc: "TCP port of the listener that serves `GET /metrics` (Prometheus text), apart from the API so that the public entry point never exposes it. 0: any free port, shown at start. With WORKERS above 1 the primary process listens here and serves the sum of every worker's metrics.",
    default: 9464,
    parse: int(0, 65535),
  }),
  metricsHost: setting({
    env: 'METRICS_HOST',
    doc: 'Interface the metrics listener binds to. The default keeps it on this machine; set 0.0.0.0 for a Prometheus on another host or container, and keep the port off the public network.',
    default: '127.0.0.1',
    parse: str(),
  }),
  publicUrl: setting({
    env: 'PUBLIC_URL',
    doc: 'Address clients use to reach the gateway (links in emails and docs).',
    default: 'http://localhost:3000',
    parse: url('http', 'https'),
  }),
  dataDir: setting({
    env: 'DATA_DIR',
    doc: 'Directory for embedded data: the PGlite database, written emails, keys, media.',
    default: 'data',
    parse: str(),
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    doc: 'PostgreSQL connection URL. Unset: embedded PGlite database under DATA_DIR. Repeated statements are prepared on each connection: behind PgBouncer, use session pooling or its prepared-statement support (max_prepared_statements).',
    default: undefined,
    parse: url('postgres', 'postgresql'),
    secret: true,
  }),
  databasePoolSize: setting({
    env: 'DATABASE_POOL_SIZE',
    doc: 'Connections per process in the PostgreSQL pool that serves requests.',
    default: 10,
    parse: int(1, 200),
  }),
  databaseBackgroundPoolSize: setting({
    env: 'DATABASE_BACKGROUND_POOL_SIZE',
    doc: 'Connections per process kept for background work (event consumers, outbox relays, the payments worker), so that it never queues behind requests: orders are confirmed sooner under heavy load, in smaller batches that cost some checkouts per second. 0: background work shares the request pool.',
    default: 0,
    parse: int(0, 100),
  }),
  redisUrl: setting({
    env: 'REDIS_URL',
    doc: 'Redis URL for carts, sessions, rate limits and cache. Unset: in-memory store (one process only).',
    default: undefined,
    parse: url('redis', 'rediss'),
    secret: true,
  }),
  redisKeyPrefix: setting({
    env: 'REDIS_KEY_PREFIX',
    doc: 'Prefix of every Redis key, so several deployments can share one Redis.',
    default: 'emporium:',
    parse: str(),
  }),
  amqpUrl: setting({
    env: 'AMQP_URL',
    doc: 'RabbitMQ URL for events between services. Unset: in-process event bus.',
    default: undefined,
    parse: url('amqp', 'amqps'),
    secret: true,
  }),
  amqpPrefix: setting({
    env: 'AMQP_PREFIX',
    doc: 'Prefix of the exchange and queue names in RabbitMQ.',
    default: 'emporium',
    parse: str(),
  }),
  smtpUrl: setting({
    env: 'SMTP_URL',
    doc: 'SMTP URL for outgoing mail. Unset: emails are written as .eml files under DATA_DIR/mail.',
    default: undefined,
    parse: url('smtp', 'smtps'),
    secret: true,
  }),
  mailFrom: setting({
    env: 'MAIL_FROM',
    doc: 'Sender address of outgoing emails.',
    default: 'Emporium <shop@emporium.localhost>',
    parse: str(),
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    doc: 'Log level: fatal, error, warn, info, debug, trace or silent.',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  }),
  logFormat: setting({
    env: 'LOG_FORMAT',
    doc: 'json, or pretty for people. Default: pretty when the output is a terminal.',
    default: undefined,
    parse: oneOf('json', 'pretty'),
  }),
};
