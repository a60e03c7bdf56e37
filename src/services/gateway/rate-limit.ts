import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KvStore } from '../../platform/kv/kv-store.js';
import type { AuthGuards } from '../../platform/auth/auth-guards.js';
import { AppError } from '../../platform/http/errors.js';

const hourMs = 3_600_000;

/**
 * A fixed one-hour window per signed-in user (per client IP when anonymous). Counters live in
 * the key-value store, so every gateway instance on one Redis counts together.
 */
export function createRateLimiter(kv: KvStore, auth: AuthGuards, limitPerHour: number) {
  const limit = String(limitPerHour);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const principal = await auth.identify(request);
    const subject = principal ? `user:${principal.userId}` : `ip:${request.ip}`;
    const { value, ttlMs } = await kv.increment(`ratelimit:${subject}`, hourMs);
    const reset = Math.max(1, Math.ceil(ttlMs / 1000));
    reply.headers({
      'ratelimit-limit': limit,
      'ratelimit-remaining': String(Math.max(0, limitPerHour - value)),
      'ratelimit-reset': String(reset),
    });
    if (value > limitPerHour) {
      reply.header('Retry-After', reset);
      throw new AppError('rate_limited', `Limit of ${limitPerHour} requests per hour reached; try again in ${reset} s.`);
    }
  };
}
