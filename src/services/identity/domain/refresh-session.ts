import { AppError } from '../../../platform/http/errors.js';
import type { TokenPair } from '../../../contracts/api/identity-api.js';
import { findUserById } from '../data/user-repository.js';
import type { IdentityContext } from './identity-context.js';

const rejected = () => new AppError('unauthorized', 'The refresh token is not valid; sign in again.');

/**
 * Exchanges a refresh token for a new pair. The token just exchanged still answers with the same
 * new pair for a short grace (a client retrying, two tabs). After it, a token that names a live
 * session but is not its current one was either used again (a copy is in someone else's hands)
 * or forged by someone who knows the session id; either way the whole session is closed.
 */
export async function refreshSession(ctx: IdentityContext, refreshToken: string): Promise<TokenPair> {
  const presented = ctx.tokens.parse(refreshToken);
  if (!presented) throw rejected();
  const current = await ctx.tokens.current(presented.sessionId);
  if (!current) throw rejected();
  if (current.tokenHash !== presented.tokenHash) {
    const successor = await ctx.tokens.successor(presented);
    if (successor) return successor;
    await ctx.tokens.close(presented.sessionId);
    ctx.logger.warn({ sessionId: presented.sessionId, userId: current.userId }, 'refresh token reused; session closed');
    throw rejected();
  }
  // The role is read again so that a promotion or demotion takes effect at the next refresh.
  const user = await findUserById(ctx.db, current.userId);
  const pair = user ? await ctx.tokens.rotate(presented, current, user) : null;
  if (!pair) {
    await ctx.tokens.close(presented.sessionId);
    throw rejected();
  }
  return pair;
}
