import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../platform/config/load-config.js';
import { DataDirLockedError } from '../platform/db/data-dir-lock.js';
import { SchemaError } from '../platform/db/migrate.js';
import { AppError } from '../platform/http/errors.js';
import { startCommand } from './commands/start-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { adminCommand } from './commands/admin-command.js';
import { deadLettersCommand } from './commands/dead-letters-command.js';

const usage = `Usage: emporium <command>

  start                      every service in one process, with the gateway (default of npm start)
  start gateway              the gateway alone, routing to services at *_URL
  start <service>            one service alone (identity, catalog, cart, orders, payments,
                             notifications)
  migrate [service]          bring every service's database schema (or one service's) up to date
  admin create --email E --password P [--name N]
                             create an admin account (or make an existing account admin)
  dead-letters list          events that failed every attempt
  dead-letters replay [--all | ID...]
                             hand dead letters back to their consumer
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'start':
      return startCommand(config, rest);
    case 'migrate':
      return migrateCommand(config, rest);
    case 'admin':
      return adminCommand(config, rest, values);
    case 'dead-letters':
      return deadLettersCommand(config, rest, values);
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (err: unknown) => {
    // What the operator typed or configured wrong is said in one line; anything else is a bug and shows its stack.
    const known =
      err instanceof ConfigError ||
      err instanceof DataDirLockedError ||
      err instanceof SchemaError ||
      err instanceof AppError;
    process.stderr.write(`emporium: ${known ? (err as Error).message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  },
);
