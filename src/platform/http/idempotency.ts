import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthGuards } from '../auth/auth-guards.js';
import type { KvStore } from '../kv/kv-store.js';
import { acquireLease, type Lease } from '../kv/lease.js';
import type { HttpApp } from './build-http-app.js';
import { AppError } from './errors.js';
import { problemBody } from './problem-handler.js';

/** An answer kept for replay: one format, whether the key-value store keeps it or the route does. */
export interface KeptAnswer {
  status: number;
  /** Lower-case names: content-type, and location and cache-control when set. */
  headers: Record<string, string>;
  body: string;
}

/** A request's Idempotency-Key, held by it while it runs. */
export interface IdempotencyKey {
  key: string;
  /** The request's method, URL and body, hashed (`fingerprintOf`). */
  fingerprint: string;
}

export interface RecordedAnswer {
  /** Of the request that was answered: another fingerprint means another request. */
  fingerprint: string;
  answer: KeptAnswer;
}

/**
 * Where a route records its answers itself: with the state change they report, in one database
 * transaction, so that no crash can separate them. Read when the key-value store says a request
 * with the key still runs: its process may have died after recording its answer.
 */
export interface AnswerStore {
  find(request: FastifyRequest, key: string): Promise<RecordedAnswer | undefined>;
}

export interface IdempotencyOptions {
  /** Refuse requests without a key (400 idempotency_key_invalid). */
  required?: boolean;
  /** The route records its answers here (`sendRecordedAnswer`) instead of the key-value store. */
  recordedBy?: AnswerStore;
}

interface HeldKey extends IdempotencyKey {
  lease: Lease;
  /** Set by `sendRecordedAnswer`: the route recorded the answer being sent. */
  recorded: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How the POST treats Idempotency-Key (answers kept in the key-value store by default).
     * `own`: a gateway's forwarded routes leave it to the service behind; `never`: the answer must
     * not be kept for replay (token pairs: a stored copy would be a credential at rest).
     */
    idempotency?: 'own' | 'never' | IdempotencyOptions;
  }
  interface FastifyRequest {
    idempotency?: HeldKey;
  }
}

/** How long a running request's marker outlives its last renewal: a dead process frees its key within it. */
export const idempotencyLeaseMs = 5_000;

/** The key-value store's record of a key: running (held by a request), or done with its answer. */
type Marker =
  | { state: 'running'; fingerprint: string; holder: string }
  | { state: 'done'; fingerprint: string; answer: KeptAnswer };

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** Where the key-value store keeps a key: scoped per user, per client IP when anonymous. */
export const markerKey = (scope: { userId: string } | { ip: string }, key: string): string =>
  `idempotency:${'userId' in scope ? `user:${scope.userId}` : `ip:${scope.ip}`}:${key}`;

/** Object keys sorted at every depth: the order of a body's fields makes no other request. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
};

export const fingerprintOf = (request: FastifyRequest): string =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(canonical(request.body ?? null))}`)
    .digest('base64url');

const optionsOf = (request: FastifyRequest): IdempotencyOptions | undefined => {
  // An unknown path has nothing to make idempotent (and its body was never checked against a schema).
  if (request.method !== 'POST' || !request.routeOptions.url) return undefined;
  const option = request.routeOptions.config.idempotency;
  return option === 'own' || option === 'never' ? undefined : (option ?? {});
};

export const keyReused = (): AppError =>
  new AppError(
    'idempotency_key_reused',
    'This Idempotency-Key was used with another request. Use a new key for a new request.',
  );

/** The recorded answer for a request with `fingerprint`; 422 when it answered another request. */
export function answerFor(recorded: RecordedAnswer, fingerprint: string): KeptAnswer {
  if (recorded.fingerprint !== fingerprint) throw keyReused();
  return recorded.answer;
}

export const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}): KeptAnswer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** The problem+json answer the error handler would send for `error` at `instance` (the request URL). */
export const problemAnswer = (error: AppError, instance: string, headers: Record<string, string> = {}): KeptAnswer => ({
  status: error.status,
  headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  body: JSON.stringify(problemBody(error.code, error.message, error.extra, instance)),
});

/** The key held by this request, on a route that requires one. */
export function heldKeyOf(request: FastifyRequest): IdempotencyKey {
  if (!request.idempotency) throw new Error('route without a required Idempotency-Key');
  return { key: request.idempotency.key, fingerprint: request.idempotency.fingerprint };
}

const sendAnswer = (reply: FastifyReply, answer: KeptAnswer, replayed: boolean): FastifyReply => {
  reply.status(answer.status).headers(answer.headers);
  if (replayed) reply.header('Idempotent-Replayed', 'true');
  return reply.send(answer.body);
};

/** Sends an answer the route recorded in its `AnswerStore`; `replayed` when an earlier request's. */
export function sendRecordedAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  { answer, replayed }: { answer: KeptAnswer; replayed: boolean },
): FastifyReply {
  if (request.idempotency) request.idempotency.recorded = true;
  return sendAnswer(reply, answer, replayed);
}

function keptAnswerOf(reply: FastifyReply, body: string): KeptAnswer {
  const headers: Record<string, string> = {
    'content-type': String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
  };
  for (const name of ['location', 'cache-control']) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return { status: reply.statusCode, headers, body };
}

/**
 * Honours `Idempotency-Key` on every POST. The first request with a key holds it (a marker in the
 * key-value store, leased while it runs); its answer (below 500) is replayed, with
 * `Idempotent-Replayed: true`, for the same key and request; the same key with another request
 * gets 422 and a replay while the first still runs 409. Answers stay for `ttlMs`.
 */
export function registerIdempotency(app: HttpApp, kv: KvStore, auth: AuthGuards, ttlMs: number): void {
  // Before the body's schema: a missing or malformed key is the answer, whatever the body.
  app.addHook('preValidation', async (request) => {
    const options = optionsOf(request);
    const key = request.headers['idempotency-key'];
    if (!options || (key === undefined && !options.required)) return;
    if (typeof key !== 'string' || !keyPattern.test(key)) {
      throw new AppError(
        'idempotency_key_invalid',
        'Send an Idempotency-Key header of 1 to 255 visible ASCII characters, unique per attempt.',
      );
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    const options = optionsOf(request);
    const key = request.headers['idempotency-key'];
    if (!options || typeof key !== 'string') return;
    const principal = await auth.identify(request);
    const recordKey = markerKey(principal ? { userId: principal.userId } : { ip: request.ip }, key);
    const fingerprint = fingerprintOf(request);
    const warn = (err: unknown) =>
      request.log.warn({ err }, 'renewing or ending an Idempotency-Key marker failed; it lapses');
    const running = (holder: string) => JSON.stringify({ state: 'running', fingerprint, holder } satisfies Marker);
    const lease = await acquireLease(kv, recordKey, idempotencyLeaseMs, warn, running);
    if (lease) {
      request.idempotency = { key, fingerprint, lease, recorded: false };
      return;
    }
    const stored = await kv.get(recordKey);
    const marker = stored ? (JSON.parse(stored) as Marker) : undefined;
    if (marker && marker.fingerprint !== fingerprint) throw keyReused();
    if (marker?.state === 'done') return sendAnswer(reply, marker.answer, true);
    const recorded = await options.recordedBy?.find(request, key);
    if (recorded) return sendAnswer(reply, answerFor(recorded, fingerprint), true);
    throw new AppError(
      'idempotency_request_in_progress',
      'The first request with this Idempotency-Key is still running. Retry in a moment to get its answer.',
    );
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = request.idempotency;
    if (!held) return payload;
    request.idempotency = undefined;
    // A route that records its answers keeps only those; errors it threw were not recorded.
    const kept = optionsOf(request)?.recordedBy ? held.recorded : reply.statusCode < 500;
    if (!kept || (payload !== null && typeof payload !== 'string')) {
      await held.lease.end();
      return payload;
    }
    const done: Marker = { state: 'done', fingerprint: held.fingerprint, answer: keptAnswerOf(reply, payload ?? '') };
    await held.lease.end({ value: JSON.stringify(done), ttlMs });
    return payload;
  });
}
