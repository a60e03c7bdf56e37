import type { ColumnType } from 'kysely';
import type { Role } from '../../../platform/auth/access-tokens.js';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: ColumnType<Role, Role, Role>;
  password_hash: string;
  created_at: ColumnType<Date, Date, never>;
}

/** The identity schema's own tables (the messaging tables sit beside them). */
export interface IdentityDb {
  users: UsersTable;
}
