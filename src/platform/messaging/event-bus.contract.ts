import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '../../contracts/events/envelope.js';
import type { EventBus } from './event-bus.js';

/** The consumer names the suite uses, so adapters with durable queues can delete them afterwards. */
export const contractConsumers = ['alpha', 'beta'] as const;

export interface EventBusAdapter {
  open(options?: { deliverTwice?: boolean }): Promise<EventBus>;
  /** Runs after every test, once its buses are closed. */
  cleanup?(): Promise<void>;
}

export const envelope = (type: string, data: unknown = {}): EventEnvelope => ({
  id: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  data,
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5_000, interval: 10 });

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** The behaviour every EventBus adapter must show. */
export function eventBusContract(name: string, adapter: EventBusAdapter): void {
  describe(`EventBus contract: ${name}`, () => {
    const buses: EventBus[] = [];
    const open = async (options?: { deliverTwice?: boolean }) => {
      const bus = await adapter.open(options);
      buses.push(bus);
      return bus;
    };
    afterEach(async () => {
      for (const bus of buses.splice(0)) await bus.close();
      await adapter.cleanup?.();
    });

    it('delivers each event to every consumer subscribed to its type, intact, and to no other', async () => {
      const bus = await open();
      const seen = { alpha: [] as EventEnvelope[], beta: [] as EventEnvelope[] };
      await bus.consume('alpha', ['thing.created', 'thing.deleted'], async (e) => void seen.alpha.push(e));
      await bus.consume('beta', ['thing.deleted'], async (e) => void seen.beta.push(e));
      const created = envelope('thing.created', {
        id: 'x1',
        tags: ['a', 'b'],
        price: { amount: 1299, currency: 'EUR' },
      });
      const deleted = envelope('thing.deleted', [1, 2, 3]);
      await bus.publish([created, deleted, envelope('thing.ignored')]);
      await eventually(() => expect(seen.alpha).toHaveLength(2));
      await eventually(() => expect(seen.beta).toHaveLength(1));
      expect(seen.alpha.map((e) => e.id).sort()).toEqual([created.id, deleted.id].sort());
      expect(seen.alpha.find((e) => e.id === created.id)).toEqual(created);
      expect(seen.beta).toEqual([deleted]);
      await sleep(100);
      expect(seen.alpha).toHaveLength(2);
    });

    it('delivers a large batch exactly once each', async () => {
      const bus = await open();
      const counts = new Map<string, number>();
      await bus.consume('alpha', ['thing.created'], async (e) => void counts.set(e.id, (counts.get(e.id) ?? 0) + 1));
      const events = Array.from({ length: 200 }, (_, i) => envelope('thing.created', { i }));
      await bus.publish(events);
      await eventually(() => expect(counts.size).toBe(200));
      await sleep(100);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    });

    it('delivers again a delivery that threw', async () => {
      const bus = await open();
      let calls = 0;
      const done: EventEnvelope[] = [];
      await bus.consume('alpha', ['thing.created'], async (e) => {
        calls += 1;
        if (calls === 1) throw new Error('not yet');
        done.push(e);
      });
      const event = envelope('thing.created');
      await bus.publish([event]);
      await eventually(() => expect(done).toEqual([event]));
      expect(calls).toBe(2);
    });

    it('delivers every event twice when asked to', async () => {
      const bus = await open({ deliverTwice: true });
      const ids: string[] = [];
      await bus.consume('alpha', ['thing.created'], async (e) => void ids.push(e.id));
      const events = [envelope('thing.created'), envelope('thing.created')];
      await bus.publish(events);
      await eventually(() => expect(ids).toHaveLength(4));
      expect(ids.sort()).toEqual([events[0]!.id, events[0]!.id, events[1]!.id, events[1]!.id].sort());
    });

    it('does not hold other events behind a slow delivery', async () => {
      const bus = await open();
      const slow = gate();
      const done: string[] = [];
      await bus.consume('alpha', ['thing.slow', 'thing.fast'], async (e) => {
        if (e.type === 'thing.slow') await slow.opened;
        done.push(e.type);
      });
      const publishing = bus.publish([envelope('thing.slow'), envelope('thing.fast')]);
      await eventually(() => expect(done).toEqual(['thing.fast']));
      slow.open();
      await publishing;
      await eventually(() => expect(done).toEqual(['thing.fast', 'thing.slow']));
    });

    it('waits on close for the deliveries in flight', async () => {
      const bus = await open();
      const release = gate();
      let started = false;
      let finished = false;
      await bus.consume('alpha', ['thing.created'], async () => {
        started = true;
        await release.opened;
        finished = true;
      });
      const publishing = bus.publish([envelope('thing.created')]).catch(() => undefined);
      await eventually(() => expect(started).toBe(true));
      let closed = false;
      const closing = bus.close().then(() => (closed = true));
      await sleep(50);
      expect(closed).toBe(false);
      release.open();
      await closing;
      expect(finished).toBe(true);
      await publishing;
    });

    it('answers ping while open and refuses work once closed', async () => {
      const bus = await open();
      await expect(bus.ping()).resolves.toBeUndefined();
      await expect(bus.publish([])).resolves.toBeUndefined();
      await bus.close();
      await expect(bus.ping()).rejects.toThrow();
      await expect(bus.publish([envelope('thing.created')])).rejects.toThrow();
    });
  });
}
