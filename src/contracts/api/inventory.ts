import { Type, type Static } from 'typebox';
import { Money } from '../money.js';

/**
 * The catalog's stock reservations as other services see them: the in-process `InventoryApi`
 * and the request/response shapes of its internal HTTP routes (`/internal/inventory/...`).
 */

export { Money };

/** Largest quantity of one product in one reservation. */
export const maxReservationQuantity = 10_000;

export const ReservationLineRequest = Type.Object(
  {
    productId: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: maxReservationQuantity }),
  },
  { additionalProperties: false },
);
export type ReservationLineRequest = Static<typeof ReservationLineRequest>;

export const ReserveRequest = Type.Object(
  {
    orderId: Type.String({ minLength: 1, maxLength: 64 }),
    lines: Type.Array(ReservationLineRequest, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type ReserveRequest = Static<typeof ReserveRequest>;

/** A reserved line with the catalog's data at the time of reservation (the price to charge). */
export const ReservedLine = Type.Object(
  {
    productId: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    unitPrice: Money,
    quantity: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type ReservedLine = Static<typeof ReservedLine>;

export const Shortage = Type.Object(
  {
    productId: Type.String(),
    requested: Type.Integer(),
    /** 0 for an unknown or archived product. */
    available: Type.Integer(),
  },
  { additionalProperties: false },
);
export type Shortage = Static<typeof Shortage>;

export const Reserved = Type.Object(
  { ok: Type.Literal(true), lines: Type.Array(ReservedLine) },
  { additionalProperties: false },
);
export type ReserveResult = { ok: true; lines: ReservedLine[] } | { ok: false; shortages: Shortage[] };

/**
 * Where an order's reservation stands after a commit or release. `commit` answers `released`
 * when the reservation had already been given back (expired or released): nothing was taken.
 */
export const ReservationOutcome = Type.Object(
  {
    orderId: Type.String(),
    status: Type.Union([
      Type.Literal('held'),
      Type.Literal('committed'),
      Type.Literal('released'),
      Type.Literal('none'),
    ]),
  },
  { additionalProperties: false },
);
export type ReservationOutcome = Static<typeof ReservationOutcome>;

/** Most order ids `unmatched` lists, and `match` takes, at once. */
export const matchBatchSize = 200;

export const UnmatchedQuery = Type.Object(
  { heldForMs: Type.Integer({ minimum: 0, maximum: 86_400_000 }) },
  { additionalProperties: false },
);

export const OrderIds = Type.Object(
  { orderIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: matchBatchSize }) },
  { additionalProperties: false },
);
export type OrderIds = Static<typeof OrderIds>;

export interface InventoryApi {
  /**
   * Reserves every line or none, atomically under any concurrency. Repeating it for an order
   * whose stock is held or committed returns the same lines and reserves nothing more.
   */
  reserve(orderId: string, lines: ReservationLineRequest[]): Promise<ReserveResult>;
  /** Takes held stock out of on-hand for good. Idempotent. */
  commit(orderId: string): Promise<ReservationOutcome>;
  /** Gives held stock back. Idempotent; a committed reservation is left as it is. */
  release(orderId: string): Promise<ReservationOutcome>;
  /**
   * Orders whose stock has been held at least `heldForMs` (by the catalog's clock) and that were
   * not matched yet: their orders may never have been written. At most `matchBatchSize`.
   */
  unmatched(heldForMs: number): Promise<string[]>;
  /** These orders exist: `unmatched` never lists them again. Idempotent. */
  match(orderIds: string[]): Promise<void>;
}
