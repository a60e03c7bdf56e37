import type { Kysely, Selectable } from 'kysely';
import type { Role } from '../../../platform/auth/access-tokens.js';
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

const uniqueViolation = '23505';

/** Users in the identity schema. Pass a transaction handle to take part in its transaction. */
export function userRepository(db: Kysely<IdentityDb>) {
  return {
    async insert(user: NewUserRow): Promise<UserRow> {
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
        if ((err as { code?: string }).code === uniqueViolation) throw new EmailTakenError(user.email);
        throw err;
      }
    },

    findById(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByEmail(email: string): Promise<UserRow | undefined> {
      return db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb(eb.fn('lower', ['email']), '=', eb.fn('lower', [eb.val(email)])))
        .executeTakeFirst();
    },

    async setRole(id: string, role: Role): Promise<void> {
      await db.updateTable('users').set({ role }).where('id', '=', id).execute();
    },

    async anyAdmin(): Promise<boolean> {
      const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
