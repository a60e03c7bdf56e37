import type { Channel, Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { DeliveryAcks } from './delivery-acks.js';

/** The frames a channel was asked to send, in order. */
function recordingChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (message: Message, allUpTo?: boolean) =>
      frames.push(`ack ${message.fields.deliveryTag}${allUpTo ? ' and all before' : ''}`),
    nack: (message: Message, allUpTo?: boolean, requeue?: boolean) =>
      frames.push(`nack ${message.fields.deliveryTag}${allUpTo ? ' and all before' : ''}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames };
}

const delivery = (deliveryTag: number) => ({ fields: { deliveryTag } }) as Message;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryAcks', () => {
  it('acknowledges deliveries handled in one turn with one frame', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new DeliveryAcks(channel, () => undefined);
    const messages = [1, 2, 3].map(delivery);
    messages.forEach((m) => acks.received(m));
    messages.forEach((m) => acks.ack(m));
    expect(frames).toEqual([]);
    await nextTurn();
    expect(frames).toEqual(['ack 3 and all before']);
  });

  it('acknowledges deliveries behind one still being handled on their own, and never past it', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new DeliveryAcks(channel, () => undefined);
    const [first, second, third, fourth] = [1, 2, 3, 4].map(delivery) as [Message, Message, Message, Message];
    [first, second, third, fourth].forEach((m) => acks.received(m));
    acks.ack(second);
    acks.ack(third);
    await nextTurn();
    expect(frames).toEqual(['ack 2', 'ack 3']);
    acks.ack(first);
    await nextTurn();
    expect(frames).toEqual(['ack 2', 'ack 3', 'ack 1 and all before']);
    acks.ack(fourth);
    await nextTurn();
    expect(frames).toEqual(['ack 2', 'ack 3', 'ack 1 and all before', 'ack 4 and all before']);
  });

  it('hands a failed delivery back at once and still acknowledges the others', async () => {
    const { channel, frames } = recordingChannel();
    const acks = new DeliveryAcks(channel, () => undefined);
    const [first, second, third] = [5, 6, 7].map(delivery) as [Message, Message, Message];
    [first, second, third].forEach((m) => acks.received(m));
    acks.ack(second);
    acks.nack(first, true);
    expect(frames).toEqual(['nack 5 requeue']);
    await nextTurn();
    expect(frames).toEqual(['nack 5 requeue', 'ack 6 and all before']);
    acks.nack(third, false);
    await nextTurn();
    expect(frames).toEqual(['nack 5 requeue', 'ack 6 and all before', 'nack 7']);
  });

  it('reports a frame the closed channel refused instead of throwing', async () => {
    const errors: unknown[] = [];
    const closed = {
      ack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel;
    const acks = new DeliveryAcks(closed, (err) => errors.push(err));
    acks.received(delivery(1));
    acks.ack(delivery(1));
    await nextTurn();
    expect(errors).toEqual([new Error('Channel closed')]);
  });
});
