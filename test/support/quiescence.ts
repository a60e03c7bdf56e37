import type { EmporiumProcess } from '../../src/apps/build-process.js';
import type { NotificationsDb } from '../../src/services/notifications/data/notifications-db.js';
import { steady } from './eventually.js';
import type { TestApp } from './test-app.js';

/** Every process of the app once (the split layout runs one per service instance). */
function processesOf(app: TestApp): EmporiumProcess[] {
  return [...new Set([...app.services.keys()].flatMap((service) => app.instancesServing(service)))];
}

async function eventCounts(app: TestApp): Promise<{ published: Map<string, number>; handled: Map<string, number> }> {
  const published = new Map<string, number>();
  const handled = new Map<string, number>();
  for (const proc of processesOf(app)) {
    for (const { labels, value } of (await proc.metrics.eventsPublished.get()).values) {
      const type = String(labels.type);
      published.set(type, (published.get(type) ?? 0) + value);
    }
    for (const { labels, value } of (await proc.metrics.eventsHandled.get()).values) {
      // A failed attempt is followed by another attempt or by the dead letters: it finishes nothing.
      if (labels.outcome === 'failed') continue;
      const key = `${String(labels.consumer)} ${String(labels.type)}`;
      handled.set(key, (handled.get(key) ?? 0) + value);
    }
  }
  return { published, handled };
}

/** Deliveries of `type` that `consumer` finished (handled, found handled before, or dead-lettered), in all its instances. */
export async function deliveriesFinished(app: TestApp, consumer: string, type: string): Promise<number> {
  return (await eventCounts(app)).handled.get(`${consumer} ${type}`) ?? 0;
}

async function unpublished(app: TestApp): Promise<number> {
  let rows = 0;
  for (const service of app.services.keys()) {
    const { n } = await app
      .serving(service)
      .infrastructure.db.forSchema<{ outbox: { published_at: Date | null } }>(service)
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    rows += Number(n);
  }
  return rows;
}

async function emailsDue(app: TestApp): Promise<number> {
  if (!app.services.has('notifications')) return 0;
  const { n } = await app
    .serving('notifications')
    .infrastructure.db.forSchema<NotificationsDb>('notifications')
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    // An email to a user not known yet waits for user.registered, however long that takes.
    .where('user_id', 'in', (eb) => eb.selectFrom('recipients').select('user_id'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * The counts of a shop at rest, or undefined while work is under way: an event not yet published,
 * a delivery (every copy, when each event is delivered twice) not yet handled by a consumer that
 * subscribes to it, or an email to a known recipient not yet sent.
 */
async function atRest(app: TestApp): Promise<string | undefined> {
  // Counters first: an event a handler raises is in its outbox before the handler counts as done.
  const { published, handled } = await eventCounts(app);
  if ((await unpublished(app)) > 0 || (await emailsDue(app)) > 0) return undefined;
  const copies = app.config.eventBusDeliverTwice ? 2 : 1;
  for (const [consumer, service] of app.services) {
    for (const { event } of service.subscriptions ?? []) {
      if ((handled.get(`${consumer} ${event}`) ?? 0) < (published.get(event) ?? 0) * copies) return undefined;
    }
  }
  return JSON.stringify([[...published], [...handled]]);
}

/**
 * Waits until the shop has nothing left to do with what it was given: every event published and
 * handled by each of its consumers, every email to a known recipient sent. Two readings with
 * nothing published or handled between them rule out an event raised and published between the
 * counters and the outbox count of one reading. What a "nothing more happened" check looks at
 * next is final.
 */
export async function quiescent(app: TestApp, timeoutMs = 15_000): Promise<void> {
  await steady(() => atRest(app), timeoutMs, 'every event handled and every email sent');
}
