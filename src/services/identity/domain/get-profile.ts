import { AppError } from '../../../platform/http/errors.js';
import type { User } from '../../../contracts/api/identity-api.js';
import { findUserById } from '../data/user-repository.js';
import { toUser } from './account.js';
import type { IdentityContext } from './identity-context.js';

export async function getProfile(ctx: IdentityContext, userId: string): Promise<User> {
  const row = await findUserById(ctx.db, userId);
  if (!row) throw new AppError('unauthorized', 'The account of this token no longer exists.');
  return toUser(row);
}
