import type { KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.js';
import { createAccessTokenVerifier, type Principal } from './access-tokens.js';
import type { SessionRegistry } from './session-registry.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guards: undefined before checking, null for an anonymous request. */
    principal?: Principal | null;
  }
}

export interface AuthGuards {
  /**
   * What the request's access token claims, checked by signature and expiry only: whether its
   * session is still open is not asked (no I/O). For work that can start before identify answers.
   */
  claimsOf(request: FastifyRequest): Promise<Principal | null>;
  /** The caller, or null when the request carries no valid token of an open session. */
  identify(request: FastifyRequest): Promise<Principal | null>;
  /** preHandler: 401 unless signed in. */
  requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** preHandler: 401 unless signed in, 403 unless an admin. */
  requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

// The scheme name is case-insensitive (RFC 9110 11.1, so RFC 6750's `Bearer` too).
const bearer = /^bearer +([\w-]+\.[\w-]+\.[\w-]*)$/i;

export function createAuthGuards(publicKey: KeyObject, sessions: SessionRegistry): AuthGuards {
  const verify = createAccessTokenVerifier(publicKey);
  const claimsOf = async (request: FastifyRequest): Promise<Principal | null> => {
    const match = bearer.exec(request.headers.authorization ?? '');
    return match?.[1] ? verify(match[1]) : null;
  };
  const identify = async (request: FastifyRequest): Promise<Principal | null> => {
    if (request.principal !== undefined) return request.principal;
    const claims = await claimsOf(request);
    request.principal = claims && (await sessions.isOpen(claims.sessionId)) ? claims : null;
    return request.principal;
  };
  const requireUser = async (request: FastifyRequest): Promise<void> => {
    if (!(await identify(request))) {
      throw new AppError('unauthorized', 'Send a valid access token: Authorization: Bearer <accessToken>.');
    }
  };
  return {
    claimsOf,
    identify,
    requireUser,
    requireAdmin: async (request) => {
      await requireUser(request);
      if (request.principal?.role !== 'admin') throw new AppError('forbidden', 'This needs an admin account.');
    },
  };
}
