import type { Config } from '../../platform/config/config-schema.js';
import { generateSigningKeys } from '../../platform/auth/signing-keys.js';
import type { IdentityService } from '../../services/identity/identity-service.js';
import { buildProcess } from '../build-process.js';

interface AdminArgs {
  email?: string | undefined;
  password?: string | undefined;
  name?: string | undefined;
}

export async function adminCommand(config: Config, args: string[], values: AdminArgs): Promise<number> {
  if (args[0] !== 'create' || !values.email || !values.password) {
    process.stderr.write('Usage: emporium admin create --email E --password P [--name N]\n');
    return 2;
  }
  // Creating an account issues no token: keys of its own spare the command the shop's signing key.
  const proc = await buildProcess({
    config,
    services: ['identity'],
    gateway: false,
    runStartHooks: false,
    signingKeys: generateSigningKeys(),
  });
  try {
    const identity = proc.services.get('identity') as IdentityService;
    const result = await identity.createAdmin({
      email: values.email,
      password: values.password,
      name: values.name ?? 'Admin',
    });
    process.stdout.write(`${result.created ? 'Created admin' : 'Made admin'} ${result.email} (id ${result.id}).\n`);
    return 0;
  } finally {
    await proc.stop();
  }
}
