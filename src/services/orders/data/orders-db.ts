import type { ColumnType } from 'kysely';
import type { KeptAnswer } from '../../../platform/http/idempotency.js';
import type {
  CancellationReason,
  HistoryEntry,
  OrderLine,
  OrderStatus,
  PaymentStatus,
  Shipment,
  ShippingAddress,
} from '../domain/order.js';

/** The orders service's own tables (its outbox, inbox and dead letters sit beside them in `orders`). */
export interface OrdersDb {
  orders: OrdersTable;
  idempotency_keys: IdempotencyKeysTable;
}

/** JSON columns are written as text (node-postgres would send a top-level array as a PostgreSQL array). */
type Json<T> = ColumnType<T, string, string>;

export interface OrdersTable {
  id: string;
  user_id: string;
  status: OrderStatus;
  items: Json<OrderLine[]>;
  total_amount: number;
  currency: string;
  shipping_address: Json<ShippingAddress>;
  payment_status: PaymentStatus;
  payment_attempts: number;
  cancellation_reason: CancellationReason | null;
  shipment: ColumnType<Shipment | null, string | null, string | null>;
  history: Json<HistoryEntry[]>;
  /** The version of the cart read the order was placed from, unique per user; null for older orders. */
  cart_version: ColumnType<string | null, string | null, never>;
  // Always written by the application, in milliseconds, so that cursors carrying a JS date
  // compare exactly with the stored value.
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  /** Hash of the request body: the same key with another body is refused. */
  fingerprint: string;
  /** The order the checkout placed; null when it was refused (cart empty, stock short). */
  order_id: string | null;
  /** What the first request answered, replayed as it was. */
  answer: Json<KeptAnswer>;
  created_at: ColumnType<Date, Date, never>;
}
