import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Config } from '../src/platform/config/config-schema.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call } from './support/http.js';
import { sendRaw, type RawRequest, type RawResponse } from './support/raw-http.js';
import { forgeries } from './support/forged-tokens.js';
import { operationsOf, type Operation } from './support/fuzz/openapi-operations.js';
import { requestsFor, type FuzzRequest, type Sender } from './support/fuzz/request-generator.js';
import { changes, snapshotter, type Snapshot } from './support/fuzz/data-snapshot.js';
import { errorContractFault, rateLimitLedger } from './support/fuzz/contract-checks.js';
import { freshRefreshToken, hintsFor, seedWorld, type World } from './support/fuzz/world.js';

/**
 * The shop the fuzzer attacks. One object, so that a limit which would get in the way of a
 * thousand requests from one machine is raised here. Every request comes from its own address
 * (X-Forwarded-For from the trusted local peer), so per-address limits never trip either.
 */
const fuzzAppConfig = {
  host: '127.0.0.1',
  port: 0,
  trustedProxies: ['127.0.0.1'],
  rateLimitPerHour: 1_000_000,
} satisfies Partial<Config>;

/** Requests per profile, half under a fixed seed and half under a random one (FUZZ_SEED replays it). */
const runs = Number(process.env.FUZZ_RUNS ?? 2_000);
const fixedSeed = 20_261_206;
const randomSeed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe.each(profiles)('the API under fuzzing (%s profile)', (profile) => {
  let app: TestApp;
  let port: number;
  let world: World;
  let snapshot: () => Promise<Snapshot>;
  let forge: ReturnType<typeof forgeries>;
  let routeHandler: unknown;
  const seenByServer = new Map<string, { method: string; url: string }>();
  const statuses = new Map<number, number>();
  let sent = 0;
  let addressCounter = 0;

  const freshAddress = () => {
    addressCounter += 1;
    return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
  };

  beforeAll(async () => {
    app = await createTestApp(profile, { config: fuzzAppConfig, background: false });
    await app.listen();
    port = (app.app.server.address() as AddressInfo).port;
    // What the router is handed, exactly: the oracle for "was this request routed to an API route".
    app.app.server.on('request', (req: IncomingMessage) => {
      const id = req.headers['x-request-id'];
      if (typeof id === 'string') seenByServer.set(id, { method: req.method ?? '', url: req.url ?? '' });
    });
    routeHandler = app.app.findRoute({ method: 'GET', url: '/api/v1/categories' })?.handler;

    world = await seedWorld(app);
    forge = forgeries(
      { privateKey: app.signingKeys.privateKey!, publicKey: app.signingKeys.publicKey },
      world.other.id,
    );
    snapshot = await snapshotter(app, [world.customer.id, world.admin.id, world.sessionUser.id]);
  });

  afterAll(async () => {
    const histogram = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    console.log(`API fuzzing (${profile}): ${sent} requests; statuses ${histogram}`);
    await app?.close();
  });

  /** Requests to it close the session of their token: the standing accounts' tokens must never reach it. */
  const endsSession = (path: string) => path.endsWith('/auth/logout');

  const sendersOf = (operation: Operation): Sender[] => {
    if (endsSession(operation.path)) return ['anonymous', 'fresh-session'];
    return operation.secured
      ? ['customer', 'customer', 'admin', 'admin', 'anonymous']
      : ['anonymous', 'customer', 'admin'];
  };

  const harness = async (request: RawRequest) => {
    const response = await sendRaw(port, {
      ...request,
      headers: [...request.headers, ['x-forwarded-for', freshAddress()]],
    });
    if (response.status >= 300)
      throw new Error(
        `harness request ${request.method} ${request.target} failed: ${response.status} ${response.body}`,
      );
    return JSON.parse(response.body || 'null');
  };
  const login = () =>
    harness({
      method: 'POST',
      target: '/api/v1/auth/login',
      headers: [['content-type', 'application/json']],
      body: JSON.stringify({ email: world.sessionUser.email, password: world.sessionUser.password }),
    }) as Promise<{ accessToken: string; refreshToken: string }>;
  /** An open session nobody else uses; the pair a refresh hands out is kept for the next one (a login costs a password hash). */
  let spareSession: { accessToken: string; refreshToken: string } | undefined;
  const takeSession = async () => {
    const session = spareSession ?? (await login());
    spareSession = undefined;
    baseline = undefined;
    return session;
  };

  let ledger: ReturnType<typeof rateLimitLedger>;
  let baseline: Snapshot | undefined;

  const clip = (text: string, max: number) =>
    text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  const format = (request: RawRequest, fuzz: FuzzRequest, response?: RawResponse) => {
    const headers = request.headers.map(([k, v]) => `\n${k}: ${clip(v, 200)}`).join('');
    const body = request.body === undefined ? '' : `\n\n${clip(request.body, 600)}`;
    const answer = response
      ? `\n→ ${response.status} ${response.headers['content-type'] ?? ''}\n${clip(response.body, 600)}`
      : '';
    return `${fuzz.operation} sent as ${fuzz.sender}; mutations: ${fuzz.mutations.join('; ') || 'none'}\n${request.method} ${clip(request.target, 300)}${headers}${body}${answer}`;
  };

  /** After a refresh: its new pair is the spare session; a refused one leaves the old pair usable, unless refused as revoked. */
  const keepSession = (presented: { accessToken: string; refreshToken: string }, response: RawResponse) => {
    const pair =
      response.status === 200 && !response.headers['idempotent-replayed']
        ? (JSON.parse(response.body) as { accessToken?: string; refreshToken?: string })
        : undefined;
    if (pair?.accessToken && pair.refreshToken)
      spareSession = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
    else if (response.status >= 400 && response.status !== 401) spareSession = presented;
  };

  /**
   * The Authorization header of a request, and whose rate-limit count it must move: the user of a
   * well-formed bearer token (the scheme name is case-insensitive, RFC 9110 11.1), else nobody's
   * but the address's.
   */
  const authorizationOf = async (fuzz: FuzzRequest): Promise<{ header?: string; user?: string }> => {
    let sender: { accessToken: string; id: string } | undefined;
    if (fuzz.sender === 'customer' || fuzz.sender === 'admin') sender = world[fuzz.sender];
    if (fuzz.sender === 'fresh-session')
      sender = { accessToken: (await takeSession()).accessToken, id: world.sessionUser.id };
    if (!fuzz.authorization) return sender ? { header: `Bearer ${sender.accessToken}`, user: sender.id } : {};
    const { attack, garbage } = fuzz.authorization;
    // An anonymous request spoils a token all the same: a fresh session's where a valid one would
    // end its session (a logout in `bearer` spelling is a logout), else the customer's.
    if (!sender && endsSession(fuzz.operation))
      sender = { accessToken: (await takeSession()).accessToken, id: world.sessionUser.id };
    // A customer's token is the one worth promoting to admin; otherwise the sender's own.
    const base = attack === 'claims-role-admin' || !sender ? world.customer : sender;
    switch (attack) {
      case 'lowercase-scheme':
        return { header: `bearer ${base.accessToken}`, user: base.id };
      case 'uppercase-scheme':
        return { header: `BEARER ${base.accessToken}`, user: base.id };
      case 'no-scheme':
        return { header: base.accessToken };
      case 'basic-scheme':
        return { header: `Basic ${base.accessToken}` };
      case 'garbage':
        return { header: `Bearer ${garbage ?? ''}` };
      default:
        return { header: `Bearer ${await forge[attack](base.accessToken)}` };
    }
  };

  /** Whether the router handed the request to an API route, whatever its spelling: asked of the router itself. */
  const routedToApi = (requestId: string) => {
    const seen = seenByServer.get(requestId);
    seenByServer.delete(requestId);
    if (!seen) return false;
    const route = app.app.findRoute({ method: seen.method, url: seen.url });
    const path = safeDecode(seen.url.replace(/^https?:\/\/[^/]*/i, '').split('?')[0]!);
    return route?.handler === routeHandler && /^\/(api|media)\//.test(path);
  };

  /** Sends one generated request and checks what every answer must satisfy. */
  const exercise = async (fuzz: FuzzRequest) => {
    const authorization = await authorizationOf(fuzz);
    const refreshing = fuzz.body?.includes(freshRefreshToken) ? await takeSession() : undefined;
    const body = refreshing ? fuzz.body!.replace(freshRefreshToken, refreshing.refreshToken) : fuzz.body;
    sent += 1;
    const requestId = `fuzz-${profile}-${sent}`;
    const headers: [string, string][] = [
      ...fuzz.headers,
      ['x-request-id', requestId],
      ['x-forwarded-for', freshAddress()],
    ];
    if (authorization.header !== undefined) headers.push(['authorization', authorization.header]);
    const request: RawRequest = {
      method: fuzz.method,
      target: fuzz.target,
      headers,
      ...(body === undefined ? {} : { body }),
    };

    const before = baseline ?? (await snapshot());
    const response = await sendRaw(port, request).catch((err: Error) => {
      throw new Error(`no answer (${err.message}) to:\n${format(request, fuzz)}`);
    });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (refreshing) keepSession(refreshing, response);
    const after = await snapshot();
    baseline = after;
    const changed = response.status >= 400 ? changes(before, after) : [];
    const fault =
      errorContractFault(request.method, response) ??
      ledger.check(authorization.user, response, routedToApi(requestId)) ??
      (changed.length > 0 ? `a refused request changed data:\n  ${changed.join('\n  ')}` : undefined);
    if (fault) throw new Error(`${fault}\n${format(request, fuzz, response)}`);
    if (response.status < 300 && fuzz.operation.includes('/products/{id}') && /^(PATCH|DELETE)$/.test(fuzz.method))
      await keepProductsOnSale();
  };

  /** Archived or deactivated seed products would turn the rest of the run into 404s: put them back. */
  const keepProductsOnSale = async () => {
    for (const product of world.products) {
      await harness({
        method: 'PATCH',
        target: `/api/v1/products/${product.id}`,
        headers: [
          ['content-type', 'application/json'],
          ['authorization', `Bearer ${world.admin.accessToken}`],
        ],
        body: JSON.stringify({ active: true }),
      });
    }
    ledger.forget(world.admin.id);
    baseline = undefined;
  };

  it.each([
    ['a fixed', fixedSeed],
    ['a random', randomSeed],
  ])(
    'answers every derived request within the contract (%s seed)',
    async (_label, seed) => {
      const document = await call(app, 'GET', '/openapi.json');
      const operations = operationsOf(document.body);
      ledger = rateLimitLedger(fuzzAppConfig.rateLimitPerHour);
      const requests = fc.oneof(
        ...operations.map((op) => requestsFor(op, { hints: hintsFor(world, op), senders: sendersOf(op) })),
      );
      console.log(
        `API fuzzing (${profile}): seed ${seed}, ${Math.ceil(runs / 2)} requests over ${operations.length} operations (replay a random seed with FUZZ_SEED=${seed})`,
      );
      await fc.assert(fc.asyncProperty(requests, exercise), { seed, numRuns: Math.ceil(runs / 2), endOnFailure: true });
    },
    600_000,
  );
});

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
