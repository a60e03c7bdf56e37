import { addresses, bool, int, setting } from './setting-parsers.js';

/** How processes are laid out, brought up to date and stopped. */
export const deploymentSettings = {
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
