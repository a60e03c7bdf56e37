import { AppError } from '../../../platform/http/errors.js';
import type { LoginRequest, SignedIn } from '../../../contracts/api/identity-api.js';
import { findUserByEmail } from '../data/user-repository.js';
import { toUser } from './account.js';
import type { IdentityContext } from './identity-context.js';

/** Refused for too many failed logins on the account, before its password is looked at. */
export class LoginThrottled extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', `Too many failed logins for this account; try again in ${retryAfterSeconds} s.`);
  }
}

/**
 * One answer for an unknown email and a wrong password, reached with the same amount of work.
 * Every attempt is counted before the password is checked, so guesses sent in parallel cannot
 * slip past the limit; a success clears the count, so only failures add up.
 */
export async function signIn(ctx: IdentityContext, input: LoginRequest): Promise<SignedIn> {
  const row = await findUserByEmail(ctx.db, input.email);
  // The account's own email when there is one: every spelling the database matches counts together.
  const email = row?.email ?? input.email;
  const attempt = await ctx.loginFailures.count(email);
  if (attempt.value > ctx.loginFailureLimit) throw new LoginThrottled(Math.max(1, Math.ceil(attempt.ttlMs / 1000)));
  const valid = await ctx.passwords.verify(row?.password_hash, input.password);
  if (!row || !valid) throw new AppError('invalid_credentials', 'The email or the password is wrong.');
  await ctx.loginFailures.clear(email);
  const user = toUser(row);
  return { user, ...(await ctx.tokens.open(user)) };
}
