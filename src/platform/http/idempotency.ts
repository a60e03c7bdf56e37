import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KvStore } from '../kv/kv-store.js';
import type { AuthGuards } from '../auth/auth-guards.js';
import type { HttpApp } from './build-http-app.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Opts a POST out of the generic Idempotency-Key records: `own` when the route keeps its own
     * (checkout stores them with the order; a gateway's forwarded routes leave them to the service
     * behind), `never` when its answer must not be kept for replay (token pairs: a stored copy
     * would be a credential at rest, handed out again without checks).
     */
    idempotency?: 'own' | 'never';
  }
  interface FastifyRequest {
    idempotencyRecordKey?: string;
  }
}

interface Running {
  state: 'running';
  fingerprint: string;
}
interface Done {
  state: 'done';
  fingerprint: string;
  status: number;
  contentType: string;
  body: string;
}
type IdempotencyRecord = Running | Done;

/** A first request that never answers (its process died) frees its key after this long. */
const runningTtlMs = 60_000;

const keyPattern = /^[\x21-\x7e]{1,255}$/;

export const fingerprintOf = (request: FastifyRequest): string =>
  createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('base64url');

/** Reads and checks the Idempotency-Key header; undefined when absent. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !keyPattern.test(key)) {
    throw new AppError('idempotency_key_invalid', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
  }
  return key;
}

/**
 * Honours `Idempotency-Key` on every POST: the first answer (below 500) is kept for `ttlMs` and
 * replayed for the same key and body; the same key with another body is refused, and so is a
 * replay while the first request still runs. Keys are scoped per user (per IP when anonymous).
 * Routes with an `idempotency` option are left alone.
 */
export function registerIdempotency(app: HttpApp, kv: KvStore, auth: AuthGuards, ttlMs: number): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    // An unknown path has nothing to make idempotent (and its body was never checked against a schema).
    if (request.method !== 'POST' || !request.routeOptions.url || request.routeOptions.config.idempotency) return;
    const key = idempotencyKeyOf(request);
    if (!key) return;
    const principal = await auth.identify(request);
    const recordKey = `idempotency:${principal ? `user:${principal.userId}` : `ip:${request.ip}`}:${key}`;
    const fingerprint = fingerprintOf(request);
    const running: Running = { state: 'running', fingerprint };
    if (await kv.set(recordKey, JSON.stringify(running), { ttlMs: runningTtlMs, ifAbsent: true })) {
      request.idempotencyRecordKey = recordKey;
      return;
    }
    const stored = await kv.get(recordKey);
    const record = stored ? (JSON.parse(stored) as IdempotencyRecord) : undefined;
    if (!record) throw new AppError('idempotency_request_in_progress', 'Retry this request in a moment.');
    if (record.fingerprint !== fingerprint) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
    }
    if (record.state === 'running') {
      throw new AppError('idempotency_request_in_progress', 'The first request with this Idempotency-Key is still running.');
    }
    return reply.status(record.status).header('Idempotent-Replayed', 'true').type(record.contentType).send(record.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const recordKey = request.idempotencyRecordKey;
    if (!recordKey) return payload;
    request.idempotencyRecordKey = undefined;
    if (reply.statusCode >= 500 || (payload !== null && typeof payload !== 'string')) {
      await kv.del(recordKey);
      return payload;
    }
    const done: Done = {
      state: 'done',
      fingerprint: fingerprintOf(request),
      status: reply.statusCode,
      contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'),
      body: payload ?? '',
    };
    await kv.set(recordKey, JSON.stringify(done), { ttlMs });
    return payload;
  });
}
