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
  const count = (subject: string, by = 1) => kv.increment(`ratelimit:${subject}`, hourMs, by);
  // A token of a closed session makes its request anonymous: the count moves to the IP, so a
  // revoked token cannot use up its user's limit. Rare: access tokens live 15 minutes by default.
  const moveToIp = async (userId: string, ip: string) =>
    (await Promise.all([count(`user:${userId}`, -1), count(`ip:${ip}`)]))[1];
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // The token names its user before the store is asked whether the session is open, so the
    // session check and the user's count go out together: one round trip, not two in a row.
    const claimed = await auth.claimsOf(request);
    const subject = claimed ? `user:${claimed.userId}` : `ip:${request.ip}`;
    const [principal, counted] = await Promise.all([auth.identify(request), count(subject)]);
    const { value, ttlMs } = claimed && !principal ? await moveToIp(claimed.userId, request.ip) : counted;
    const reset = Math.max(1, Math.ceil(ttlMs / 1000));
    reply.headers({
      'ratelimit-limit': limit,
      'ratelimit-remaining': String(Math.max(0, limitPerHour - value)),
      'ratelimit-reset': String(reset),
    });
    if (value > limitPerHour) {
      reply.header('Retry-After', reset);
      throw new AppError(
        'rate_limited',
        `Limit of ${limitPerHour} requests per hour reached; try again in ${reset} s.`,
      );
    }
  };
}
