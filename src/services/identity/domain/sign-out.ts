import type { IdentityContext } from './identity-context.js';

/** Ends the session: its access and refresh tokens stop working at once, in every process. */
export async function signOut(ctx: IdentityContext, sessionId: string): Promise<void> {
  await ctx.tokens.close(sessionId);
}
