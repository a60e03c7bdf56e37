import { bool, currency, int, str, setting } from './setting-parsers.js';

/** The shop's rules: its currency and first admin, how long reads are cached, how long it waits and retries. */
export const shopSettings = {
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
};
