import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The topology test runs processes on PostgreSQL, Redis and RabbitMQ: it has nothing to run
    // on the embedded profile alone.
    exclude: [...configDefaults.exclude, ...(process.env.EMPORIUM_TEST_REAL === '1' ? [] : ['test/topology.test.ts'])],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A file per core. Vitest's default, one core fewer, runs one file at a time on two cores,
    // leaving a core idle whenever that file waits on a process, a timer or the event bus.
    maxWorkers: '100%',
    // Each worker imports the modules once for all its files, not once per file (two seconds of
    // CPU each): files share no state but what they create and close, and restore what they fake.
    isolate: false,
    globalSetup: ['test/support/global-setup.ts'],
    // What the processes the tests start inherit (test/support/infra.ts's testConfig for the rest).
    env: { LOG_LEVEL: 'silent', PASSWORD_HASH_MEMORY_KIB: '1024' },
  },
});
