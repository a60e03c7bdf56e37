import { AppError } from '../../../platform/http/errors.js';
import type { SignedIn } from '../../../contracts/api/identity-api.js';
import { userRegistered } from '../../../contracts/events/identity-events.js';
import { EmailTakenError, insertUser } from '../data/user-repository.js';
import { checkNewAccount, newUserRow, toUser, type NewAccount } from './account.js';
import type { IdentityContext } from './identity-context.js';

/** Sign-up: a customer account, its `user.registered` event in the same transaction, and a session. */
export async function registerUser(ctx: IdentityContext, input: NewAccount): Promise<SignedIn> {
  const account = checkNewAccount(input);
  // Hashed before the transaction opens: ~70 ms of CPU should not hold a database connection.
  const passwordHash = await ctx.passwords.hash(account.password);
  const row = await ctx.outbox
    .transaction(async (trx, emit) => {
      const created = await insertUser(trx, newUserRow(account, 'customer', passwordHash, ctx.clock.now()));
      await emit([userRegistered({ userId: created.id, email: created.email, name: created.name })]);
      return created;
    })
    .catch((err: unknown) => {
      if (err instanceof EmailTakenError)
        throw new AppError('email_taken', 'An account with this email already exists.');
      throw err;
    });
  ctx.metrics.business.inc({ event: 'user_registered' });
  const user = toUser(row);
  return { user, ...(await ctx.tokens.open(user)) };
}
