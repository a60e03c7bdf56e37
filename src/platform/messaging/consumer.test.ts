import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { realInfra } from '../../../test/support/infra.js';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import { listDeadLetters, requestReplay } from './dead-letters.js';
import { combinations, eventually, handled, messagingHarness, recordEffect } from './messaging.fixture.js';

describe.each(combinations)('the consumer on $database with the $bus bus', (setup) => {
  const { service, afterTest } = messagingHarness(setup);

  it('gives one effect per event when the bus delivers everything twice', async () => {
    const svc = await service({ deliverTwice: true });
    const events = [await svc.emit(), await svc.emit(), await svc.emit()];
    await eventually(async () => expect(await handled(svc.metrics, 'duplicate')).toBe(3));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
  });

  it('handles a burst of events in a few shared transactions, each exactly once', async () => {
    const transactions = new Set<string>();
    const svc = await service({
      relay: false,
      handler: async (event, trx) => {
        transactions.add((await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]!.id);
        await recordEffect(event, trx);
      },
    });
    const burst = Array.from({ length: 40 }, (_, i) => ({ type: 'thing.created', data: { i } }));
    const events = await svc.outbox.transaction((_trx, send) => send(burst));
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(40));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
    expect(transactions.size).toBeLessThan(40 / 4);
    const sizes = (await svc.metrics.eventBatchSize.get()).values;
    expect(sizes.find((v) => v.metricName === 'emporium_event_batch_size_sum')?.value).toBe(40);
    expect(sizes.find((v) => v.metricName === 'emporium_event_batch_size_count')?.value).toBe(transactions.size);
  });

  it('hands consecutive events of a type to its batch handler together, in the order they were emitted', async () => {
    const handledIds: string[] = [];
    const runs: EventEnvelope[][] = [];
    const svc = await service({
      relay: false,
      subscriptions: [
        {
          event: 'thing.created',
          handleBatch: async (events, trx) => {
            runs.push(events);
            for (const event of events) await recordEffect(event, trx);
            handledIds.push(...events.map((e) => e.id));
          },
        },
        {
          event: 'thing.removed',
          handle: async (event, trx) => {
            await recordEffect(event, trx);
            handledIds.push(event.id);
          },
        },
      ],
    });
    const types = [
      'created',
      'created',
      'created',
      'created',
      'created',
      'removed',
      'created',
      'created',
      'created',
      'created',
    ];
    const events = await svc.outbox.transaction((_trx, send) =>
      send(types.map((t, i) => ({ type: `thing.${t}`, data: { i } }))),
    );
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(events.length));
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
    expect(handledIds).toEqual(events.map((e) => e.id));
    expect(runs.flat()).toHaveLength(9);
    for (const run of runs) expect(run.every((e) => e.type === 'thing.created')).toBe(true);
    // The first event may be taken alone before the rest arrive; later ones share runs.
    expect(runs.some((run) => run.length > 1)).toBe(true);
  });

  it('handles the rest of a burst when one event in it always fails, and parks that one', async () => {
    const svc = await service({
      relay: false,
      attempts: 2,
      handler: async (event, trx) => {
        if ((event.data as { poison: boolean }).poison) throw new Error('poisoned');
        await recordEffect(event, trx);
      },
    });
    const burst = Array.from({ length: 20 }, (_, i) => ({ type: 'thing.created', data: { poison: i === 7 } }));
    const events = await svc.outbox.transaction((_trx, send) => send(burst));
    svc.relay();
    await eventually(async () => expect(await listDeadLetters(svc.db)).toHaveLength(1));
    const [dead] = await listDeadLetters(svc.db, svc.name);
    expect(dead).toMatchObject({ event: events[7], attempts: 2 });
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(19));
    for (const [i, event] of events.entries()) expect(await svc.effects(event.id)).toBe(i === 7 ? 0 : 1);
  });

  it('retries a failing handler with growing delays until it succeeds', async () => {
    const calls: number[] = [];
    const svc = await service({
      attempts: 5,
      baseMs: 20,
      handler: async (event, trx) => {
        calls.push(Date.now());
        await recordEffect(event, trx);
        // The effect written before the throw must roll back with the attempt.
        if (calls.length <= 3) throw new Error(`flaky ${calls.length}`);
      },
    });
    const event = await svc.emit();
    await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    expect(await handled(svc.metrics, 'failed')).toBe(3);
    expect(await handled(svc.metrics, 'ok')).toBe(1);
  });

  it('keeps later events flowing while one delivery backs off', async () => {
    const done: string[] = [];
    let slowCalls = 0;
    const svc = await service({
      attempts: 5,
      baseMs: 100,
      handler: async (event, trx) => {
        const { kind } = event.data as { kind: string };
        if (kind === 'slow' && ++slowCalls < 4) throw new Error('backing off');
        await recordEffect(event, trx);
        done.push(kind);
      },
    });
    await svc.emit({ kind: 'slow' });
    await svc.emit({ kind: 'fast' });
    await eventually(() => expect(done).toEqual(['fast', 'slow']));
  });

  it('parks an event that always fails in the dead letters and replays it on request', async () => {
    let broken = true;
    const svc = await service({
      attempts: 3,
      handler: async (event, trx) => {
        if (broken) throw new Error('handler bug');
        await recordEffect(event, trx);
      },
    });
    const event = await svc.emit();
    await eventually(async () => expect(await listDeadLetters(svc.db)).toHaveLength(1));
    const [dead] = await listDeadLetters(svc.db, svc.name);
    expect(dead).toMatchObject({ consumer: svc.name, attempts: 3, event, replayRequestedAt: null });
    expect(dead!.error).toContain('handler bug');
    expect(await handled(svc.metrics, 'failed')).toBe(3);
    expect(await handled(svc.metrics, 'dead')).toBe(1);
    await eventually(async () => expect((await svc.metrics.deadLetters.get()).values[0]?.value).toBe(1));
    expect(await listDeadLetters(svc.db, 'someone-else')).toEqual([]);

    broken = false;
    expect(await requestReplay(svc.db, ['not-a-uuid'])).toBe(0);
    expect(await requestReplay(svc.db, [dead!.id])).toBe(1);
    await eventually(async () => expect(await listDeadLetters(svc.db)).toEqual([]));
    expect(await svc.effects(event.id)).toBe(1);
    await eventually(async () => expect((await svc.metrics.deadLetters.get()).values[0]?.value).toBe(0));
  });

  // Only a broker can hand a delivery to another process; the in-process bus dies with its process.
  if (setup.bus === 'rabbitmq')
    it('hands an event to another consumer when the process handling it dies', async () => {
      const svc = await service({ consume: false });
      const child = fork(
        fileURLToPath(new URL('./dying-consumer.fixture.ts', import.meta.url)),
        [realInfra.amqpUrl, svc.prefix, svc.name, 'thing.created'],
        {
          execArgv: ['--import', 'tsx'],
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      afterTest(async () => {
        child.kill('SIGKILL');
        await exited;
      });
      const messages: { ready?: boolean; received?: string }[] = [];
      child.on('message', (m) => messages.push(m as (typeof messages)[number]));
      await eventually(() => expect(messages).toContainEqual({ ready: true }), 20_000);

      const event = await svc.emit();
      await eventually(() => expect(messages).toContainEqual({ received: event.id }));
      child.kill('SIGKILL');
      await exited;
      await svc.consume();
      await eventually(async () => expect(await svc.effects(event.id)).toBe(1));
      expect(await svc.db.selectFrom('inbox').select('event_id').execute()).toEqual([{ event_id: event.id }]);
    });
});
