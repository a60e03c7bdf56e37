/* eslint-disable max-lines -- every setting the processes read, declared once in one catalogue */
/**
 * Every setting Emporium reads, with its environment variable, default and meaning.
 * The README table and `.env.example` are written from this list; keep the three in step.
 */
export type Parser<T> = (raw: string) => T;

export interface Setting<T> {
  env: string;
  doc: string;
  default: T | undefined;
  parse: Parser<T>;
  secret?: boolean;
}

const fail = (message: string): never => {
  throw new Error(message);
};

export const str = (): Parser<string> => (raw) => raw;

export const int =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : fail(`must be a whole number from ${min} to ${max}`);
  };

export const bool = (): Parser<boolean> => (raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  return fail('must be true or false');
};

export const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return fail('must be a URL');
    }
    return protocols.includes(parsed.protocol.replace(/:$/, ''))
      ? raw
      : fail(`must be a URL with scheme ${protocols.join(' or ')}`);
  };

/**
 * The addresses of a service's instances, comma-separated, each a scheme, host and port with no
 * path; requests are spread over them (platform/http/service-pool.ts).
 */
export const addresses =
  (...protocols: string[]): Parser<string[]> =>
  (raw) =>
    raw.split(',').map((entry) => {
      const address = entry.trim();
      const parsed = URL.canParse(address) ? new URL(address) : undefined;
      return parsed && protocols.includes(parsed.protocol.replace(/:$/, '')) && parsed.href === `${parsed.origin}/`
        ? parsed.origin
        : fail(
            `must list addresses such as http://10.0.0.5:3001, separated by commas, with no path: "${address}" is not one`,
          );
    });

export const list = (): Parser<string[]> => (raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) =>
    (values as string[]).includes(raw) ? (raw as T) : fail(`must be one of ${values.join(', ')}`);

export const currency = (): Parser<string> => (raw) =>
  /^[A-Z]{3}$/.test(raw) ? raw : fail('must be an ISO 4217 code such as USD');

const setting = <T>(s: Setting<T>): Setting<T> => s;

export const configSchema = {
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
  corsOrigins: setting({
    env: 'CORS_ORIGINS',
    doc: 'Comma-separated origins allowed to call the API from a browser. Empty: none.',
    default: [],
    parse: list(),
  }),
  trustedProxies: setting({
    env: 'TRUSTED_PROXIES',
    doc: 'Comma-separated addresses or CIDRs of proxies whose X-Forwarded-For is believed.',
    default: [],
    parse: list(),
  }),
  bodyLimitBytes: setting({
    env: 'BODY_LIMIT_BYTES',
    doc: 'Largest JSON request body accepted; larger bodies get 413.',
    default: 1_048_576,
    parse: int(1024),
  }),
  rateLimitPerHour: setting({
    env: 'RATE_LIMIT_PER_HOUR',
    doc: 'Requests per hour per signed-in user, or per client IP when anonymous.',
    default: 1000,
    parse: int(1),
  }),
  loginFailureLimit: setting({
    env: 'LOGIN_FAILURE_LIMIT',
    doc: 'Failed logins per account (per email) within LOGIN_FAILURE_WINDOW_SECONDS, from any IP, after which login answers 429 until the window ends.',
    default: 10,
    parse: int(1),
  }),
  loginFailureWindowSeconds: setting({
    env: 'LOGIN_FAILURE_WINDOW_SECONDS',
    doc: 'Window of LOGIN_FAILURE_LIMIT, counted from the first failure: no account is refused longer than this.',
    default: 900,
    parse: int(1, 86_400),
  }),
  jwtPrivateKey: setting({
    env: 'JWT_PRIVATE_KEY',
    doc: 'Ed25519 private key (PKCS#8 PEM) that signs access tokens; needed where identity runs apart from the other services. Unset where every service runs from one data directory: generated once and kept under DATA_DIR/keys.',
    default: undefined,
    parse: str(),
    secret: true,
  }),
  jwtPublicKey: setting({
    env: 'JWT_PUBLIC_KEY',
    doc: 'Ed25519 public key (SPKI PEM) that verifies access tokens: what the gateway and every service but identity need when they run apart. Derived from JWT_PRIVATE_KEY when unset.',
    default: undefined,
    parse: str(),
  }),
  accessTokenTtlSeconds: setting({
    env: 'ACCESS_TOKEN_TTL_SECONDS',
    doc: 'Lifetime of an access token.',
    default: 900,
    parse: int(10, 86_400),
  }),
  refreshTokenTtlSeconds: setting({
    env: 'REFRESH_TOKEN_TTL_SECONDS',
    doc: 'Idle lifetime of a session and its refresh token.',
    default: 2_592_000,
    parse: int(60),
  }),
  refreshReuseGraceSeconds: setting({
    env: 'REFRESH_REUSE_GRACE_SECONDS',
    doc: 'How long after its exchange a refresh token still answers with the same new pair (a retry, a second tab) instead of ending the session as reused.',
    default: 10,
    parse: int(1, 300),
  }),
  storeCurrency: setting({
    env: 'STORE_CURRENCY',
    doc: 'ISO 4217 currency of every price in the store.',
    default: 'USD',
    parse: currency(),
  }),
  adminEmail: setting({
    env: 'ADMIN_EMAIL',
    doc: 'Creates this admin at start (with ADMIN_PASSWORD) when no account has this email yet.',
    default: undefined,
    parse: str(),
  }),
  adminPassword: setting({
    env: 'ADMIN_PASSWORD',
    doc: 'Password of ADMIN_EMAIL (at least 10 characters).',
    default: undefined,
    parse: str(),
    secret: true,
  }),
  seedDemoData: setting({
    env: 'SEED_DEMO_DATA',
    doc: 'Fill an empty catalog with demo products and create a demo admin on first start.',
    default: true,
    parse: bool(),
  }),
  cacheTtlSeconds: setting({
    env: 'CACHE_TTL_SECONDS',
    doc: 'How long product reads stay in the cache (writes invalidate them at once).',
    default: 300,
    parse: int(1),
  }),
  httpMaxAgeSeconds: setting({
    env: 'HTTP_MAX_AGE_SECONDS',
    doc: 'max-age of public catalog responses for browsers and CDNs.',
    default: 30,
    parse: int(0),
  }),
  httpStaleSeconds: setting({
    env: 'HTTP_STALE_WHILE_REVALIDATE_SECONDS',
    doc: 'stale-while-revalidate of public catalog responses.',
    default: 60,
    parse: int(0),
  }),
  reservationTtlSeconds: setting({
    env: 'RESERVATION_TTL_SECONDS',
    doc: 'A stock reservation not committed within this time is released.',
    default: 900,
    parse: int(1),
  }),
  paymentTimeoutSeconds: setting({
    env: 'PAYMENT_TIMEOUT_SECONDS',
    doc: 'An order still waiting for its payment after this time is cancelled (payment_timeout).',
    default: 900,
    parse: int(1),
  }),
  idempotencyTtlHours: setting({
    env: 'IDEMPOTENCY_TTL_HOURS',
    doc: 'How long an Idempotency-Key and its answer are kept for replays (at least 24).',
    default: 24,
    parse: int(24),
  }),
  eventRetryAttempts: setting({
    env: 'EVENT_RETRY_ATTEMPTS',
    doc: 'Attempts at handling an event before it goes to the dead letters.',
    default: 6,
    parse: int(1, 100),
  }),
  eventRetryBaseMs: setting({
    env: 'EVENT_RETRY_BASE_MS',
    doc: 'Delay before the first retry of a failed event; doubles each attempt.',
    default: 500,
    parse: int(1),
  }),
  paymentRetryBaseMs: setting({
    env: 'PAYMENT_RETRY_BASE_MS',
    doc: 'Delay before retrying a charge that failed for a transient reason; doubles each attempt.',
    default: 500,
    parse: int(1),
  }),
  paymentMaxAttempts: setting({
    env: 'PAYMENT_MAX_ATTEMPTS',
    doc: 'Charge attempts before a payment that keeps failing transiently is given up as processing_error.',
    default: 8,
    parse: int(1, 100),
  }),
  eventBusDeliverTwice: setting({
    env: 'EVENT_BUS_DELIVER_TWICE',
    doc: 'Testing switch: the bus delivers every event twice, to prove that consumers are idempotent.',
    default: false,
    parse: bool(),
  }),
  outboxPollMs: setting({
    env: 'OUTBOX_POLL_MS',
    doc: 'How often the outbox relay looks for events written by other processes.',
    default: 500,
    parse: int(10),
  }),
  shutdownTimeoutMs: setting({
    env: 'SHUTDOWN_TIMEOUT_MS',
    doc: 'Longest a shutdown (SIGTERM or SIGINT) may take, drain delay included: past it the process exits with status 1.',
    default: 10_000,
    parse: int(100),
  }),
  shutdownDrainDelayMs: setting({
    env: 'SHUTDOWN_DRAIN_DELAY_MS',
    doc: 'On SIGTERM, how long the process keeps serving (readiness failing, every answer closing its connection) before it stops listening, so load balancers take it out first. Kubernetes: a few seconds (5000). Counted within SHUTDOWN_TIMEOUT_MS.',
    default: 0,
    parse: int(0),
  }),
  migrateOnStart: setting({
    env: 'MIGRATE_ON_START',
    doc: 'Bring the schemas of the services in the process up to date at start. false: `emporium migrate` does it as a step of its own (a Kubernetes Job), and a process whose schema lacks migrations stops with the command to run.',
    default: true,
    parse: bool(),
  }),
  identityUrls: setting({
    env: 'IDENTITY_URL',
    doc: "Addresses of the identity service's instances when it runs apart, comma-separated (`http://10.0.0.5:3001,http://10.0.0.6:3001`); the gateway spreads requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
  catalogUrls: setting({
    env: 'CATALOG_URL',
    doc: "Addresses of the catalog service's instances when it runs apart, comma-separated; the gateway, cart and orders spread requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
  cartUrls: setting({
    env: 'CART_URL',
    doc: "Addresses of the cart service's instances when it runs apart, comma-separated; the gateway and orders spread requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
  ordersUrls: setting({
    env: 'ORDERS_URL',
    doc: "Addresses of the orders service's instances when it runs apart, comma-separated; the gateway spreads requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
  paymentsUrls: setting({
    env: 'PAYMENTS_URL',
    doc: "Addresses of the payments service's instances when it runs apart, comma-separated; the gateway spreads requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
  notificationsUrls: setting({
    env: 'NOTIFICATIONS_URL',
    doc: "Addresses of the notifications service's instances when it runs apart, comma-separated; the gateway spreads requests over them. Unset: in-process.",
    default: undefined,
    parse: addresses('http', 'https'),
  }),
};

export type ConfigSchema = typeof configSchema;
export type Config = {
  [K in keyof ConfigSchema]: ConfigSchema[K] extends Setting<infer T>
    ? ConfigSchema[K]['default'] extends undefined
      ? T | undefined
      : T
    : never;
};
