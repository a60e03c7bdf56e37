import { int, list, str, setting } from './setting-parsers.js';

/** Who may call the API, how often, and how long their sessions last. */
export const accessSettings = {
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
  passwordHashMemoryKib: setting({
    env: 'PASSWORD_HASH_MEMORY_KIB',
    doc: "Memory of each argon2id password hash, in KiB (2 passes, 1 lane). The default is OWASP's baseline; less makes stolen hashes cheaper to crack, so lower it only where the passwords are worthless (the test suite runs with 1024). Each hash keeps its own cost: changing this never locks anyone out.",
    default: 19_456,
    parse: int(1024, 4_194_304),
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
};
