import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { combinations, eventually, handled, messagingHarness } from './messaging.fixture.js';

describe.each(combinations)('messaging on $database with the $bus bus', (setup) => {
  const { service, root } = messagingHarness(setup);

  it('delivers events once their transaction commits and never when it rolls back', async () => {
    const svc = await service();
    const [kept] = await svc.outbox.transaction(async (trx, emit) => {
      await trx.insertInto('orders').values({ id: 'o1' }).execute();
      return emit([{ type: 'thing.created', data: { order: 'o1' } }], {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
    });
    const rollback = svc.outbox.transaction(async (trx, emit) => {
      await trx.insertInto('orders').values({ id: 'o2' }).execute();
      await emit([{ type: 'thing.created', data: { order: 'o2' } }]);
      throw new Error('changed my mind');
    });
    await expect(rollback).rejects.toThrow('changed my mind');
    await eventually(async () => expect(await svc.effects(kept!.id)).toBe(1));
    const rows = await svc.db.selectFrom('outbox').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: kept!.id, traceparent: kept!.traceparent, data: { order: 'o1' } });
    await eventually(async () =>
      expect(
        (await svc.db.selectFrom('outbox').select('published_at').executeTakeFirstOrThrow()).published_at,
      ).not.toBeNull(),
    );
    // The rolled-back event never reached the outbox, and all the outbox held is out.
    expect(await svc.effects()).toBe(1);
    expect((await svc.metrics.eventsPublished.get()).values[0]?.value).toBe(1);
  });

  it('gives a redelivered event one effect', async () => {
    const svc = await service();
    const event = await svc.emit();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    await svc.bus.publish([event]);
    await svc.bus.publish([event]);
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(2));
    expect(await svc.effects(event.id)).toBe(1);
  });

  it('keeps one schema per service for its messaging tables', async () => {
    const svc = await service({ consume: false, relay: false });
    const { rows } = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = ${svc.name} order by table_name`.execute(
      root(),
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      'dead_letters',
      'effects',
      'inbox',
      'kysely_migration',
      'kysely_migration_lock',
      'orders',
      'outbox',
    ]);
  });
});
