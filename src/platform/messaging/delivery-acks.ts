import type { Channel, Message } from 'amqplib';

/**
 * Acknowledges one channel's deliveries with as few frames as it can: a delivery handled is only
 * noted, and once per event-loop turn the longest run of settled deliveries from the oldest on is
 * acknowledged with one `multiple` ack. A consumer handles its deliveries in batches, so a batch
 * costs one frame instead of one per event; on a quorum queue each frame is also an entry in the
 * queue's replicated log. Deliveries settled behind one still being handled (an event retried on
 * its own) are acknowledged one by one, so that it never holds back the others and the prefetch
 * window never fills up behind it.
 */
export class DeliveryAcks {
  // Delivery tags in the order the broker gave them, which is ascending.
  private outstanding: number[] = [];
  private readonly settled = new Map<number, 'acked' | 'handed back'>();
  private flushing = false;

  constructor(
    private readonly channel: Channel,
    private readonly onError: (err: unknown) => void,
  ) {}

  received(message: Message): void {
    this.outstanding.push(message.fields.deliveryTag);
  }

  ack(message: Message): void {
    this.settled.set(message.fields.deliveryTag, 'acked');
    this.scheduleFlush();
  }

  /** Hands the delivery back at once (or drops it: `requeue` false); acks of later ones go on. */
  nack(message: Message, requeue: boolean): void {
    this.settled.set(message.fields.deliveryTag, 'handed back');
    this.send(() => this.channel.nack(message, false, requeue));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    let upTo: number | undefined;
    let acked = false;
    for (let tag = this.outstanding[0]; tag !== undefined && this.settled.has(tag); tag = this.outstanding[0]) {
      acked ||= this.settled.get(tag) === 'acked';
      this.settled.delete(tag);
      this.outstanding.shift();
      upTo = tag;
    }
    // A `multiple` ack covers only deliveries not yet settled, so handed-back ones stay handed back.
    if (upTo !== undefined && acked) {
      const deliveryTag = upTo;
      this.send(() => this.channel.ack({ fields: { deliveryTag } } as Message, true));
    }
    if (this.settled.size === 0) return;
    for (const [deliveryTag, how] of this.settled) {
      if (how === 'acked') this.send(() => this.channel.ack({ fields: { deliveryTag } } as Message));
    }
    this.outstanding = this.outstanding.filter((tag) => !this.settled.has(tag));
    this.settled.clear();
  }

  /** Acks on a channel lost meanwhile fail; the broker has already put those messages back. */
  private send(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.onError(err);
    }
  }
}
