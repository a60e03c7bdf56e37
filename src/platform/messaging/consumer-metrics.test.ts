import { describe, expect, it } from 'vitest';
import { combinations, eventually, handled, messagingHarness, recordEffect } from './messaging.fixture.js';

describe.each(combinations)('what the consumer counts on $database with the $bus bus', (setup) => {
  const { service } = messagingHarness(setup);

  it('counts each event of a batch once when a later run of the batch fails', async () => {
    let removals = 0;
    const svc = await service({
      relay: false,
      consume: false,
      subscriptions: [
        { event: 'thing.created', handle: recordEffect },
        {
          event: 'thing.removed',
          handle: async (event, trx) => {
            if (++removals === 1) throw new Error('flaky');
            await recordEffect(event, trx);
          },
        },
      ],
    });
    const consumer = await svc.consume();
    const types = ['created', 'created', 'created', 'removed'];
    const events = await svc.outbox.transaction((_trx, send) =>
      send(types.map((t, i) => ({ type: `thing.${t}`, data: { i } }))),
    );
    // Written before the relay starts, the four go out in one publish and meet in one batch.
    svc.relay();
    await eventually(async () => expect(await handled(svc.metrics, 'ok')).toBe(4));
    // Waits for every event still being handled, so that nothing is counted after the checks.
    await consumer.stop();
    for (const event of events) expect(await svc.effects(event.id)).toBe(1);
    expect(await handled(svc.metrics, 'ok')).toBe(4);
    expect(await handled(svc.metrics, 'duplicate')).toBe(0);
  });
});
