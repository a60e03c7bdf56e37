import { AppError } from '../../../platform/http/errors.js';
import type { User } from '../../../contracts/api/identity-api.js';
import { toUser } from './account.js';
import type { IdentityContext } from './identity-context.js';

export async function getProfile(ctx: IdentityContext, userId: string): Promise<User> {
  const row = await ctx.users.findById(userId);
  if (!row) throw new AppError('unauthorized', 'The account of this token no longer exists.');
  return toUser(row);
}
