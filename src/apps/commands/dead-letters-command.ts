import type { Config } from '../../platform/config/config-schema.js';
import { sql } from 'kysely';
import { connectDatabase } from '../../platform/db/connect.js';
import type { Database } from '../../platform/db/database.js';
import { listDeadLetters, requestReplay } from '../../platform/messaging/dead-letters.js';
import { serviceNames } from '../service-catalogue.js';

interface DeadLetterArgs {
  all?: boolean | undefined;
}

/**
 * Lists dead letters of every service, or marks them for replay: the consumer that owns one
 * hands it to its handler again within seconds (or at its next start).
 */
export async function deadLettersCommand(config: Config, args: string[], values: DeadLetterArgs): Promise<number> {
  const [action, ...ids] = args;
  if (action !== 'list' && action !== 'replay') {
    process.stderr.write('Usage: emporium dead-letters list | replay [--all | ID...]\n');
    return 2;
  }
  if (action === 'replay' && !values.all && ids.length === 0) {
    process.stderr.write('Name the dead letters to replay, or pass --all.\n');
    return 2;
  }
  const db = await connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
  try {
    let total = 0;
    for (const service of serviceNames) {
      const schemaDb = db.forSchema(service);
      if (!(await hasMessagingTables(db, service))) continue;
      if (action === 'replay') {
        total += await requestReplay(schemaDb, values.all ? 'all' : ids);
        continue;
      }
      for (const letter of await listDeadLetters(schemaDb)) {
        total++;
        process.stdout.write(
          `${letter.id}  ${letter.failedAt.toISOString()}  ${letter.consumer}  ${letter.event.type}  ` +
            `attempts=${letter.attempts}${letter.replayRequestedAt ? '  replay requested' : ''}\n    ${letter.error}\n`,
        );
      }
    }
    process.stdout.write(
      action === 'list' ? `${total} dead letter(s).\n` : `${total} dead letter(s) marked for replay.\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

/** A service that never started here has no schema yet, and so no dead letters. */
async function hasMessagingTables(db: Database, schema: string): Promise<boolean> {
  const { rows } = await sql<{
    found: string | null;
  }>`select to_regclass(${`${schema}.dead_letters`}) as found`.execute(db.root);
  return Boolean(rows[0]?.found);
}
