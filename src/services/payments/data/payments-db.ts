import type { ColumnType } from 'kysely';

/** The payments service's own tables (the messaging tables sit beside them in the `payments` schema). */
export interface PaymentsDb {
  payments: PaymentsTable;
  processor_ledger: ProcessorLedgerTable;
  processor_attempts: ProcessorAttemptsTable;
}

export type PaymentStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'refund_pending' | 'refunded';

export interface PaymentsTable {
  id: string;
  order_id: string;
  user_id: string;
  amount: number;
  currency: string;
  token: string;
  status: PaymentStatus;
  /** Charge attempts made so far. */
  attempts: number;
  next_attempt_at: Date;
  /** Lease of the worker instance charging or refunding the payment right now. */
  claimed_until: Date | null;
  charge_id: string | null;
  refund_id: string | null;
  refund_attempts: number;
  failure_reason: string | null;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** The simulated card processor's books: what a real processor would keep on its side. */
export interface ProcessorLedgerTable {
  idempotency_key: string;
  kind: 'charge' | 'refund';
  /** `ch_...` for a charge, `re_...` for a refund. */
  reference: string;
  amount: number;
  currency: string;
  token: string | null;
  charge_id: string | null;
  outcome: 'succeeded' | 'declined';
  decline_code: string | null;
  created_at: ColumnType<Date, Date, never>;
}

export interface ProcessorAttemptsTable {
  idempotency_key: string;
  attempts: number;
}
