import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../../platform/auth/access-tokens.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import type { IdentityDb, UsersTable } from './identity-db.js';

export type UserRow = Selectable<UsersTable>;

export interface NewUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
}

/** Raised when the email is already taken, whatever its case (the unique index said so). */
export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`${email} is already registered`);
  }
}

/** Inserts a user; pass a transaction handle to take part in its transaction. */
export async function insertUser(db: Kysely<IdentityDb>, user: NewUserRow): Promise<UserRow> {
  try {
    return await db
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new EmailTakenError(user.email);
    throw err;
  }
}

export function findUserById(db: Kysely<IdentityDb>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Kysely<IdentityDb>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
    .executeTakeFirst();
}

export async function setUserRole(db: Kysely<IdentityDb>, id: string, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', id).execute();
}

export async function anyAdmin(db: Kysely<IdentityDb>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
  return row !== undefined;
}
