import type { Money } from '../../../contracts/money.js';

/**
 * The payment-processor port, shaped after Stripe's API: every call carries an idempotency key (the
 * same key always gets the same answer and never moves money twice), amounts are integer minor
 * units, and a declined charge comes back with a decline code rather than an exception.
 */
export interface PaymentProcessor {
  /** Throws `TransientProcessorError` when the call may be retried with the same key. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Throws `TransientProcessorError` when the call may be retried with the same key. */
  refund(request: RefundRequest): Promise<RefundResult>;
}

export interface ChargeRequest {
  idempotencyKey: string;
  amount: Money;
  /** A card token from the client (never a card number). */
  token: string;
  description: string;
}

export type DeclineCode = 'card_declined' | 'insufficient_funds' | 'invalid_token' | (string & {});

export type ChargeResult = { status: 'succeeded'; chargeId: string } | { status: 'declined'; code: DeclineCode };

export interface RefundRequest {
  idempotencyKey: string;
  chargeId: string;
  amount: Money;
}

export interface RefundResult {
  refundId: string;
}

/** The processor could not answer (network, rate limit, its own outage): retry with the same key. */
export class TransientProcessorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientProcessorError';
  }
}
