import type { ReservationLineRequest, Shortage } from '../../../contracts/api/inventory.js';

/**
 * The one order in which every transaction locks stock rows, so that two of them never wait
 * on each other. Compared in code, not by the database's collation.
 */
export const byProductId = (a: { productId: string }, b: { productId: string }): number =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

/** One line per product, sorted `byProductId`: the order every transaction locks stock rows in. */
export function mergeLines(lines: ReservationLineRequest[]): ReservationLineRequest[] {
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.productId, (totals.get(line.productId) ?? 0) + line.quantity);
  return [...totals].map(([productId, quantity]) => ({ productId, quantity })).sort(byProductId);
}

/** A line as the catalog holds it for an order, priced in minor units. */
export interface HeldLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceAmount: number;
  quantity: number;
}

/**
 * A requested product's stock row as `reserveStockWithEvent` found it, locked: whether the line is
 * held for the order now, and what was free before (on hand less reserved). Unknown products have
 * none.
 */
export interface StockOffer {
  productId: string;
  sku: string;
  name: string;
  unitPriceAmount: number;
  active: boolean;
  available: number;
  held: boolean;
}

/**
 * Held: every line is, by this call. Short: some line's product is unknown, archived or has too
 * little free, so none is held. Neither: every line could be held but was not, as the order holds
 * it already (a retried call).
 */
export type ReservationDecision =
  { kind: 'held'; lines: HeldLine[] } | { kind: 'short'; shortages: Shortage[] } | { kind: 'held-before' };

/**
 * The lines an order holds or has committed already, which a retried call gets again whatever
 * it asks now; none when everything it had was released, and its request is decided afresh.
 */
export function linesAlreadyReserved(lines: (HeldLine & { status: string })[]): HeldLine[] {
  return lines
    .filter((l) => l.status !== 'released')
    .map(({ status: _status, ...line }) => line)
    .sort(byProductId);
}

/**
 * Every line or none (reserve-stock.sql holds by the same rule): a line is short when its product
 * is unknown or archived (0 free then) or has less free than asked, and one short line holds none.
 */
export function decideReservation(lines: ReservationLineRequest[], offers: StockOffer[]): ReservationDecision {
  const offerOf = new Map(offers.map((o) => [o.productId, o]));
  const held: HeldLine[] = [];
  const shortages: Shortage[] = [];
  for (const { productId, quantity } of lines) {
    const offer = offerOf.get(productId);
    const available = offer?.active ? offer.available : 0;
    if (available < quantity) shortages.push({ productId, requested: quantity, available });
    else if (offer?.held)
      held.push({ productId, sku: offer.sku, name: offer.name, unitPriceAmount: offer.unitPriceAmount, quantity });
  }
  if (shortages.length > 0) return { kind: 'short', shortages };
  return held.length === lines.length ? { kind: 'held', lines: held } : { kind: 'held-before' };
}
