import { Value } from 'typebox/value';
import { AppError, type ProblemFieldError } from '../../../platform/http/errors.js';
import { RegisterRequest, type User } from '../../../contracts/api/identity-api.js';
import type { Role } from '../../../platform/auth/access-tokens.js';
import type { NewUserRow, UserRow } from '../data/user-repository.js';
import { newUserId } from './ids.js';

export interface NewAccount {
  email: string;
  password: string;
  name: string;
}

/**
 * The rules for a new account, wherever it comes from (sign-up or the admin command): the same
 * schema the API publishes, then the name trimmed.
 */
export function checkNewAccount(input: NewAccount): NewAccount {
  const errors: ProblemFieldError[] = [...Value.Errors(RegisterRequest, input)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => ({ path: e.instancePath || '/', message: e.message }));
  const first = errors[0];
  if (first) throw new AppError('validation_failed', `${first.path} ${first.message}`, { errors });
  return { email: input.email, password: input.password, name: input.name.trim() };
}

export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.created_at.toISOString() };
}

export function newUserRow(account: NewAccount, role: Role, passwordHash: string, now: Date): NewUserRow {
  return { id: newUserId(now), email: account.email, name: account.name, role, passwordHash, createdAt: now };
}
