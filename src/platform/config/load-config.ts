import { configSchema, type Config, type Setting } from './config-schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the settings from `env`; the first bad value stops with one line naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(configSchema) as [string, Setting<unknown>][]) {
    const raw = env[s.env];
    if (raw === undefined || raw.trim() === '') {
      config[key] = s.default;
      continue;
    }
    try {
      config[key] = s.parse(raw.trim());
    } catch (err) {
      throw new ConfigError(`${s.env} ${(err as Error).message} (got "${s.secret ? '***' : raw}")`);
    }
  }
  const result = { ...(config as Config), ...overrides };
  if (result.adminEmail && !result.adminPassword)
    throw new ConfigError('ADMIN_PASSWORD must be set when ADMIN_EMAIL is set');
  if (result.adminPassword && result.adminPassword.length < 10)
    throw new ConfigError('ADMIN_PASSWORD must be at least 10 characters');
  if (result.workers > 1 && !(result.databaseUrl && result.redisUrl && result.amqpUrl)) {
    throw new ConfigError(
      'WORKERS above 1 needs DATABASE_URL, REDIS_URL and AMQP_URL: the embedded database, store and event bus belong to one process',
    );
  }
  if (result.processRole !== 'all' && !(result.databaseUrl && result.redisUrl && result.amqpUrl)) {
    throw new ConfigError(
      `PROCESS_ROLE=${result.processRole} needs DATABASE_URL, REDIS_URL and AMQP_URL: the embedded database, store and event bus belong to one process`,
    );
  }
  if (result.shutdownDrainDelayMs >= result.shutdownTimeoutMs) {
    throw new ConfigError('SHUTDOWN_DRAIN_DELAY_MS must be less than SHUTDOWN_TIMEOUT_MS, which it counts within');
  }
  return result;
}
