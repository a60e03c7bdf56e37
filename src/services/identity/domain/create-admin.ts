import { EmailTakenError, findUserByEmail, insertUser, setUserRole, type UserRow } from '../data/user-repository.js';
import { checkNewAccount, newUserRow, type NewAccount } from './account.js';
import type { IdentityContext } from './identity-context.js';

export interface CreatedAdmin {
  id: string;
  email: string;
  /** False when an existing account was promoted (its password is left as it was). */
  created: boolean;
}

/** The operator's way to make an admin: a new account, or the promotion of an existing one. */
export async function createAdmin(ctx: IdentityContext, input: NewAccount): Promise<CreatedAdmin> {
  const account = checkNewAccount(input);
  const existing = await findUserByEmail(ctx.db, account.email);
  if (existing) return promote(ctx, existing);
  const passwordHash = await ctx.passwords.hash(account.password);
  try {
    const row = await insertUser(ctx.db, newUserRow(account, 'admin', passwordHash, ctx.clock.now()));
    return { id: row.id, email: row.email, created: true };
  } catch (err) {
    // Someone signed up with this email meanwhile: promote that account, as if it had been first.
    const raced = err instanceof EmailTakenError ? await findUserByEmail(ctx.db, account.email) : undefined;
    if (!raced) throw err;
    return promote(ctx, raced);
  }
}

async function promote(ctx: IdentityContext, user: UserRow): Promise<CreatedAdmin> {
  if (user.role !== 'admin') {
    await setUserRole(ctx.db, user.id, 'admin');
    ctx.logger.info({ userId: user.id }, 'account promoted to admin');
  }
  return { id: user.id, email: user.email, created: false };
}
