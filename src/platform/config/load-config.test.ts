import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.rateLimitPerHour).toBe(1000);
    expect(config.storeCurrency).toBe('USD');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.corsOrigins).toEqual([]);
  });

  it('parses typed values', () => {
    const config = loadConfig({
      PORT: '8080',
      SEED_DEMO_DATA: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(config).toMatchObject({
      port: 8080,
      seedDemoData: false,
      corsOrigins: ['https://a.example', 'https://b.example'],
      databaseUrl: 'postgres://u@h/db',
    });
  });

  it("reads the addresses of a service's instances", () => {
    expect(loadConfig({ CATALOG_URL: 'http://10.0.0.5:3001, http://10.0.0.6:3001/' }).catalogUrls).toEqual([
      'http://10.0.0.5:3001',
      'http://10.0.0.6:3001',
    ]);
    expect(loadConfig({ CART_URL: 'https://cart.internal' }).cartUrls).toEqual(['https://cart.internal']);
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT must be a whole number/],
    [{ RATE_LIMIT_PER_HOUR: '0' }, /^RATE_LIMIT_PER_HOUR must be a whole number from 1/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a URL with scheme postgres or postgresql \(got "\*\*\*"\)$/],
    [{ STORE_CURRENCY: 'usd' }, /^STORE_CURRENCY must be an ISO 4217 code/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ ADMIN_EMAIL: 'a@example.com' }, /^ADMIN_PASSWORD must be set/],
    [{ MIGRATE_ON_START: 'later' }, /^MIGRATE_ON_START must be true or false/],
    [
      { CATALOG_URL: 'http://10.0.0.5:3001,10.0.0.6:3001' },
      /^CATALOG_URL must list addresses such as http:\/\/10.0.0.5:3001, separated by commas, with no path: "10.0.0.6:3001" is not one \(got/,
    ],
    [{ ORDERS_URL: 'http://orders:3001/v1' }, /^ORDERS_URL must list .*: "http:\/\/orders:3001\/v1" is not one/],
    [{ CART_URL: 'http://a:1,,http://b:1' }, /^CART_URL must list .*: "" is not one/],
    [{ SHUTDOWN_DRAIN_DELAY_MS: '10000' }, /^SHUTDOWN_DRAIN_DELAY_MS must be less than SHUTDOWN_TIMEOUT_MS/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
