import type { ReservedLine } from '../../../contracts/api/inventory.js';
import type { NewEvent } from '../../../contracts/events/envelope.js';
import {
  orderCancelled,
  orderConfirmed,
  orderPlaced,
  orderShipped,
  type CancellationReason,
  type OrderLine,
} from '../../../contracts/events/order-events.js';
import type { Money } from '../../../contracts/money.js';
import { int4Max } from '../../../platform/db/column-limits.js';

/**
 * The order aggregate: pure data and rules, no I/O. It owns the status machine
 *
 *   pending_payment → confirmed → shipped
 *   pending_payment → cancelled (payment_declined | payment_timeout | customer_request)
 *   confirmed       → cancelled (customer_request; the payment is refunded)
 *
 * Commands (`cancel`, `ship`) throw `OrderTransitionError` when the order cannot move; facts
 * reported by payments (`paymentSucceeded`, ...) are absorbed whatever the state, so a redelivered
 * or late event changes nothing twice. Every change returns the events it raises.
 */

export type OrderStatus = 'pending_payment' | 'confirmed' | 'shipped' | 'cancelled';
export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';
export type { CancellationReason, OrderLine };

export interface ShippingAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface Shipment {
  readonly carrier: string;
  readonly trackingNumber: string;
}

export interface HistoryEntry {
  readonly status: OrderStatus;
  readonly at: string;
}

export interface PaymentState {
  readonly status: PaymentStatus;
  readonly attempts: number;
}

/**
 * An order's state, readonly all the way down: a change builds a new snapshot from the old one,
 * so a snapshot can be handed out, kept and restored from without copying.
 */
export interface OrderSnapshot {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  readonly total: Money;
  readonly shippingAddress: ShippingAddress;
  readonly payment: PaymentState;
  readonly cancellationReason: CancellationReason | null;
  readonly shipment: Shipment | null;
  readonly history: readonly HistoryEntry[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * The largest total an order may come to, in minor units: orders and payments keep amounts in
 * PostgreSQL `integer` columns, so a larger order could be neither stored nor charged.
 */
export const maxOrderTotal = int4Max;

export class OrderTransitionError extends Error {
  constructor(
    readonly orderId: string,
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`Order ${orderId} cannot go from ${from} to ${to}.`);
  }
}

const next: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: [],
  cancelled: [],
};

/**
 * A payment fact never moves the payment status backwards: a late `succeeded` after `refunded`
 * changes nothing, and money captured after a decline (a late retry) outranks the decline.
 */
const paymentRank: Record<PaymentStatus, number> = { pending: 0, failed: 1, succeeded: 2, refunded: 3 };

export class Order {
  /** Counts the changes made since the order was placed or restored. */
  private changes = 0;

  private constructor(private state: OrderSnapshot) {}

  /** A new order at the catalog's reserved prices, waiting for its payment. */
  static place(input: {
    id: string;
    userId: string;
    lines: ReservedLine[];
    shippingAddress: ShippingAddress;
    paymentToken: string;
    at: Date;
  }): { order: Order; events: NewEvent[] } {
    const [first] = input.lines;
    if (!first) throw new Error('An order needs at least one line.');
    const currency = first.unitPrice.currency;
    if (input.lines.some((l) => l.unitPrice.currency !== currency))
      throw new Error('Every line of an order is in one currency.');
    const items: OrderLine[] = input.lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: l.name,
      unitPrice: l.unitPrice,
      quantity: l.quantity,
      lineTotal: { amount: l.unitPrice.amount * l.quantity, currency },
    }));
    const order = new Order({
      id: input.id,
      userId: input.userId,
      status: 'pending_payment',
      items,
      total: { amount: items.reduce((sum, l) => sum + l.lineTotal.amount, 0), currency },
      shippingAddress: input.shippingAddress,
      payment: { status: 'pending', attempts: 0 },
      cancellationReason: null,
      shipment: null,
      history: [{ status: 'pending_payment', at: input.at.toISOString() }],
      createdAt: input.at,
      updatedAt: input.at,
    });
    return { order, events: [orderPlaced({ ...order.summary(), payment: { token: input.paymentToken } })] };
  }

  static restore(snapshot: OrderSnapshot): Order {
    return new Order(snapshot);
  }

  /** The order as it is now; later changes do not reach it. */
  get snapshot(): OrderSnapshot {
    return this.state;
  }

  /** Whether anything changed since the order was placed or restored (what needs saving). */
  get changed(): boolean {
    return this.changes > 0;
  }

  get id(): string {
    return this.state.id;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  get total(): Money {
    return this.state.total;
  }

  get userId(): string {
    return this.state.userId;
  }

  /** Payments captured the money: a waiting order is confirmed; a cancelled one stays cancelled (payments refunds it). */
  paymentSucceeded(attempts: number, at: Date): NewEvent[] {
    this.recordPayment('succeeded', attempts, at);
    if (this.state.status !== 'pending_payment') return [];
    this.moveTo('confirmed', at);
    return [orderConfirmed(this.summary())];
  }

  /** Payments gave up (declined): a waiting order is cancelled, which releases its stock. */
  paymentFailed(attempts: number, at: Date): NewEvent[] {
    this.recordPayment('failed', attempts, at);
    if (this.state.status !== 'pending_payment') return [];
    return this.cancelFrom('pending_payment', 'payment_declined', at);
  }

  paymentRefunded(at: Date): NewEvent[] {
    this.recordPayment('refunded', this.state.payment.attempts, at);
    return [];
  }

  /** The customer changes their mind, or the payment never came. A shipped order cannot be cancelled. */
  cancel(reason: Exclude<CancellationReason, 'payment_declined'>, at: Date): NewEvent[] {
    const from = this.state.status;
    if (from !== 'pending_payment' && from !== 'confirmed') throw new OrderTransitionError(this.id, from, 'cancelled');
    if (reason === 'payment_timeout' && from !== 'pending_payment')
      throw new OrderTransitionError(this.id, from, 'cancelled');
    return this.cancelFrom(from, reason, at);
  }

  ship(shipment: Shipment, at: Date): NewEvent[] {
    this.moveTo('shipped', at, { shipment: { ...shipment } });
    return [orderShipped({ ...this.summary(), ...shipment })];
  }

  private cancelFrom(
    previousStatus: 'pending_payment' | 'confirmed',
    reason: CancellationReason,
    at: Date,
  ): NewEvent[] {
    this.moveTo('cancelled', at, { cancellationReason: reason });
    return [orderCancelled({ ...this.summary(), reason, previousStatus })];
  }

  /** `details`: what the move records besides its status (the shipment, the reason of a cancellation). */
  private moveTo(
    status: OrderStatus,
    at: Date,
    details: Partial<Pick<OrderSnapshot, 'shipment' | 'cancellationReason'>> = {},
  ): void {
    if (!next[this.state.status].includes(status)) throw new OrderTransitionError(this.id, this.state.status, status);
    this.state = {
      ...this.state,
      ...details,
      status,
      history: [...this.state.history, { status, at: at.toISOString() }],
      updatedAt: at,
    };
    this.changes += 1;
  }

  private recordPayment(status: PaymentStatus, attempts: number, at: Date): void {
    const payment = this.state.payment;
    const advances = paymentRank[status] > paymentRank[payment.status];
    const moreAttempts = attempts > payment.attempts;
    if (!advances && !moreAttempts) return;
    this.state = {
      ...this.state,
      payment: { status: advances ? status : payment.status, attempts: Math.max(attempts, payment.attempts) },
      updatedAt: at,
    };
    this.changes += 1;
  }

  private summary() {
    const { id, userId, items, total } = this.state;
    return { orderId: id, userId, items, total };
  }
}
