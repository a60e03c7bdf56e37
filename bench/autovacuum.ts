import pg from 'pg';

/**
 * PostgreSQL's autovacuum during a bench run. Servers set up for development and tests often run
 * with it off, which no production database does: dead rows then pile up, and a run of a few
 * minutes measures that build-up rather than the design (our checkouts/s fell by a third within
 * four minutes with it off, and held flat with it on). The bench turns it on for its run and puts
 * the previous setting back afterwards.
 */
export interface AutovacuumForRun {
  /** What the run's output says about it. */
  note: string;
  /** Puts the previous setting back, once however often called; nothing when the run left it alone. */
  restore: () => Promise<string | undefined>;
}

/** The bench cannot turn autovacuum on (no superuser, or set on the server's command line). */
export class AutovacuumRefused extends Error {}

const turnOn = 'ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf();';

interface Setting {
  setting: string;
  source: string;
  sourcefile: string | null;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Reloads the configuration and waits until this session sees `wanted` (the reload is a signal). */
async function reloadUntil(client: pg.Client, wanted: string): Promise<boolean> {
  await client.query('select pg_reload_conf()');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await client.query<{ autovacuum: string }>('show autovacuum');
    if (rows[0]?.autovacuum === wanted) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Turns autovacuum on when it is off; throws AutovacuumRefused when it may not. */
export async function autovacuumForRun(url: string): Promise<AutovacuumForRun> {
  const before = await withClient(url, async (client) => {
    const { rows } = await client.query<Setting>(
      "select setting, source, sourcefile from pg_settings where name = 'autovacuum'",
    );
    const setting = rows[0];
    if (!setting) throw new Error('PostgreSQL reports no autovacuum setting');
    if (setting.setting === 'on') return undefined;
    try {
      await client.query('alter system set autovacuum = on');
    } catch (err) {
      throw new AutovacuumRefused(
        `bench: PostgreSQL's autovacuum is off and this user may not turn it on (${(err as Error).message}); run as a superuser or turn it on first: ${turnOn}`,
      );
    }
    return setting;
  });
  if (!before) return { note: 'on, as the server is configured', restore: () => Promise.resolve(undefined) };
  // Taking our line out of postgresql.auto.conf brings back a value of postgresql.conf or the
  // default; a value of postgresql.auto.conf, or of a file this user may not see, is written back.
  const fromElsewhere =
    before.source === 'default' || (before.sourcefile !== null && !before.sourcefile.endsWith('postgresql.auto.conf'));
  const undo = fromElsewhere ? 'alter system reset autovacuum' : 'alter system set autovacuum = off';
  let restored: Promise<string | undefined> | undefined;
  const restore = () =>
    (restored ??= withClient(url, async (client) => {
      await client.query(undo);
      if (!(await reloadUntil(client, 'off')))
        throw new Error('PostgreSQL autovacuum did not return to off after a reload: check the server');
      return 'PostgreSQL autovacuum: back to off';
    }));
  const on = await withClient(url, (client) => reloadUntil(client, 'on')).catch(() => false);
  if (!on) {
    await restore();
    throw new AutovacuumRefused(
      `bench: PostgreSQL's autovacuum stays off after ALTER SYSTEM (source: ${before.source}); turn it on where it is set, then run again`,
    );
  }
  return { note: 'turned on for this run (it was off; put back afterwards)', restore };
}
