import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { createOutbox, writeOutboxEvents } from './outbox.js';
import type { EventBus } from './event-bus.js';
import { combinations, eventually, handled, messagingHarness, recordEffect } from './messaging.fixture.js';

describe.each(combinations)('the outbox relay on $database with the $bus bus', (setup) => {
  const { service } = messagingHarness(setup);

  it("hands the relay the events of a handler's transaction once it commits, leased to it, and nothing for one that raised none", async () => {
    const taken: EventEnvelope[][] = [];
    const svc = await service({
      relay: false,
      publisher: { leaseMs: () => 60_000, take: (envelopes) => void taken.push(envelopes) },
      subscriptions: [
        {
          event: 'thing.created',
          handle: async (event, trx, context) =>
            void (await context.emit([{ type: 'thing.followed', data: { after: event.id } }])),
        },
        { event: 'thing.noted', handle: async (event, trx) => recordEffect(event, trx) },
      ],
    });
    await svc.outbox.transaction((_trx, send) => send([{ type: 'thing.noted', data: {} }]));
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(1));
    expect(taken).toEqual([]);
    const cause = await svc.emit();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(2));
    await eventually(() => expect(taken).toHaveLength(1));
    expect(taken[0]).toEqual([expect.objectContaining({ type: 'thing.followed', data: { after: cause.id } })]);
    const raised = await svc.db
      .selectFrom('outbox')
      .select(['id', 'claimed_until', 'published_at'])
      .where('type', '=', 'thing.followed')
      .execute();
    expect(raised).toEqual([{ id: taken[0]![0]!.id, claimed_until: expect.any(Date), published_at: null }]);
    // Leased to the publisher it was handed to: the relay polling meanwhile leaves it alone.
    expect(raised[0]!.claimed_until!.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('publishes the events handed to it without another relay ever claiming them', async () => {
    const svc = await service();
    const published: string[] = [];
    const spy: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        published.push(...events.map((e) => e.id));
        await svc.bus.publish(events);
      },
    });
    // Another process's relay, polling all the time.
    svc.relay(spy, 5);
    await Promise.all(Array.from({ length: 20 }, (_, i) => svc.emit({ i })));
    await eventually(async () => expect(await svc.effects()).toBe(20));
    await eventually(async () =>
      expect(await svc.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute()).toEqual([]),
    );
    expect(published).toEqual([]);
  });

  it('leaves events handed to a relay whose bus hangs to the other relays instead of keeping them in memory', async () => {
    const svc = await service({ relay: false });
    const hanging: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: () => new Promise<void>(() => undefined),
    });
    // Room for one batch of one event under way and one waiting.
    const stuck = svc.relay(hanging, 60_000, { batchSize: 1, maxInFlight: 1, stopGraceMs: 50 });
    const outbox = createOutbox({ db: svc.db, publisher: stuck });
    const events = [];
    for (let i = 0; i < 5; i += 1)
      events.push(...(await outbox.transaction((_trx, send) => send([{ type: 'thing.created', data: { i } }]))));
    svc.relay(svc.bus, 20);
    // At most one is under way on the hanging bus and one waits for it; the others were released.
    // Everything published has been handled, and no more than those two are held back.
    await eventually(async () => {
      const held = await svc.db.selectFrom('outbox').select('id').where('published_at', 'is', null).execute();
      expect(held.length).toBeLessThanOrEqual(2);
      expect(await svc.effects()).toBe(events.length - held.length);
    });
  });

  it('releases the events handed to a stopped relay to the others at once, and a lease nobody took runs out', async () => {
    const svc = await service({ relay: false });
    const stopped = svc.relay(svc.bus, 60_000);
    await stopped.stop();
    expect(stopped.leaseMs()).toBeNull();
    // Written with a lease just before the relay stopped; and by a process that died before handing them over.
    const [late] = await writeOutboxEvents(svc.db, [{ type: 'thing.created', data: { late: true } }], {}, 60_000);
    const [orphan] = await writeOutboxEvents(svc.db, [{ type: 'thing.created', data: { orphan: true } }], {}, 2_000);
    stopped.take([late!]);
    svc.relay(svc.bus, 20);
    await eventually(async () => expect(await svc.effects(late!.id)).toBe(1), 1_500);
    expect(await svc.effects(orphan!.id)).toBe(0);
    await eventually(async () => expect(await svc.effects(orphan!.id)).toBe(1), 6_000);
  });

  it('publishes again after a relay died between publishing and marking, and the inbox drops the copy', async () => {
    const svc = await service({ relay: false });
    let crashed: () => void = () => undefined;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    const dying: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        await svc.bus.publish(events);
        crashed();
        throw new Error('process died before marking');
      },
    });
    const first = svc.relay(dying);
    const event = await svc.emit();
    first.wake();
    await crash;
    await first.stop();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    const row = await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow();
    expect(row.published_at).toBeNull();

    svc.relay();
    await eventually(async () =>
      expect(
        (await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow()).published_at,
      ).not.toBeNull(),
    );
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(1));
    expect(await svc.effects(event.id)).toBe(1);
  });

  it('hands a backlog of several batches to the bus in order without waiting for each to be confirmed', async () => {
    const svc = await service({ relay: false });
    const handed: string[][] = [];
    let confirm: () => void = () => undefined;
    const confirmed = new Promise<void>((resolve) => (confirm = resolve));
    const slow: EventBus = Object.assign(Object.create(svc.bus) as EventBus, {
      publish: async (events: EventEnvelope[]) => {
        handed.push(events.map((e) => e.id));
        const sent = svc.bus.publish(events);
        await confirmed;
        await sent;
      },
    });
    const events = await svc.outbox.transaction((_trx, send) =>
      send(Array.from({ length: 250 }, (_, i) => ({ type: 'thing.created', data: { i } }))),
    );
    // A poll far longer than the test: only not waiting for confirms gets all three batches out.
    svc.relay(slow, 60_000).wake();
    await eventually(() => expect(handed.map((batch) => batch.length)).toEqual([100, 100, 50]), 5_000);
    expect(handed.flat()).toEqual(events.map((e) => e.id));
    confirm();
    await eventually(async () => expect(await svc.effects()).toBe(250));
  });
});
