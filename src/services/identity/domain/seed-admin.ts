import { anyAdmin, EmailTakenError, findUserByEmail, insertUser } from '../data/user-repository.js';
import { checkNewAccount, newUserRow, type NewAccount } from './account.js';
import type { IdentityContext } from './identity-context.js';
import { newGeneratedPassword } from './ids.js';

export interface SeedSettings {
  adminEmail?: string | undefined;
  adminPassword?: string | undefined;
  seedDemoData: boolean;
}

export const demoAdminEmail = 'admin@emporium.localhost';

/**
 * First-start admin: the one configuration names, or else (demo mode, no admin at all) one with a
 * generated password shown once to the operator. Never a built-in password. Several processes may
 * run this at once: the unique email index lets one win and the others do nothing.
 */
export async function seedAdmin(
  ctx: IdentityContext,
  settings: SeedSettings,
  announce: (message: string) => void,
): Promise<void> {
  if (settings.adminEmail && settings.adminPassword) {
    const account = configuredAccount(settings.adminEmail, settings.adminPassword);
    const existing = await findUserByEmail(ctx.db, account.email);
    // An account someone signed up with is not promoted by configuration: its password is theirs.
    if (existing && existing.role !== 'admin') {
      announce(
        `ADMIN_EMAIL ${account.email} belongs to an existing customer account, which was NOT made an admin.\n` +
          `If that account is yours, promote it with: emporium admin create --email ${account.email} --password <its password>`,
      );
    }
    if (!existing) await insertAdmin(ctx, account);
    return;
  }
  if (settings.adminEmail || settings.adminPassword) {
    ctx.logger.warn('ADMIN_EMAIL and ADMIN_PASSWORD must be set together; no admin was created from them');
  }
  if (!settings.seedDemoData || (await anyAdmin(ctx.db))) return;
  const password = newGeneratedPassword();
  if (await insertAdmin(ctx, { email: demoAdminEmail, password, name: 'Demo Admin' })) {
    announce(
      [
        'Emporium created an admin account (this password is shown only once):',
        `  email:    ${demoAdminEmail}`,
        `  password: ${password}`,
        'Sign in with POST /api/v1/auth/login. Set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own.',
      ].join('\n'),
    );
  }
}

function configuredAccount(email: string, password: string): NewAccount {
  try {
    return checkNewAccount({ email, password, name: 'Admin' });
  } catch (err) {
    // Said in the operator's terms: the API's field paths mean nothing in an environment file.
    throw new Error(`ADMIN_EMAIL / ADMIN_PASSWORD are not valid: ${(err as Error).message}`, { cause: err });
  }
}

async function insertAdmin(ctx: IdentityContext, account: NewAccount): Promise<boolean> {
  const passwordHash = await ctx.passwords.hash(account.password);
  try {
    await insertUser(ctx.db, newUserRow(account, 'admin', passwordHash, ctx.clock.now()));
    ctx.logger.info({ email: account.email }, 'admin account created');
    return true;
  } catch (err) {
    if (err instanceof EmailTakenError) return false;
    throw err;
  }
}
