import { AppError } from '../../../platform/http/errors.js';
import type { LoginRequest, SignedIn } from '../../../contracts/api/identity-api.js';
import { toUser } from './account.js';
import type { IdentityContext } from './identity-context.js';

/** One answer for an unknown email and a wrong password, reached with the same amount of work. */
export async function signIn(ctx: IdentityContext, input: LoginRequest): Promise<SignedIn> {
  const row = await ctx.users.findByEmail(input.email);
  const valid = await ctx.passwords.verify(row?.password_hash, input.password);
  if (!row || !valid) throw new AppError('invalid_credentials', 'The email or the password is wrong.');
  const user = toUser(row);
  return { user, ...(await ctx.tokens.open(user)) };
}
