import { describe, expect, it } from 'vitest';
import { decideReservation, linesAlreadyReserved, mergeLines, type StockOffer } from './reservation-rules.js';

const offer = (productId: string, over: Partial<StockOffer> = {}): StockOffer => ({
  productId,
  sku: `SKU-${productId}`,
  name: `Name ${productId}`,
  unitPriceAmount: 500,
  active: true,
  available: 10,
  held: true,
  ...over,
});

describe('mergeLines', () => {
  it('sums the lines of one product and sorts by product id in byte order', () => {
    const merged = mergeLines([
      { productId: 'b', quantity: 1 },
      { productId: 'B', quantity: 2 },
      { productId: 'a', quantity: 3 },
      { productId: 'b', quantity: 4 },
    ]);
    expect(merged).toEqual([
      { productId: 'B', quantity: 2 },
      { productId: 'a', quantity: 3 },
      { productId: 'b', quantity: 5 },
    ]);
  });
});

describe('decideReservation', () => {
  const lines = [
    { productId: 'a', quantity: 2 },
    { productId: 'b', quantity: 1 },
  ];

  it('holds every line, at the catalog price, when every line was held', () => {
    expect(decideReservation(lines, [offer('a'), offer('b', { unitPriceAmount: 250 })])).toEqual({
      kind: 'held',
      lines: [
        { productId: 'a', sku: 'SKU-a', name: 'Name a', unitPriceAmount: 500, quantity: 2 },
        { productId: 'b', sku: 'SKU-b', name: 'Name b', unitPriceAmount: 250, quantity: 1 },
      ],
    });
  });

  it('names only the short lines, with what each had free', () => {
    expect(decideReservation(lines, [offer('a', { held: false }), offer('b', { held: false, available: 0 })])).toEqual({
      kind: 'short',
      shortages: [{ productId: 'b', requested: 1, available: 0 }],
    });
    expect(
      decideReservation(lines, [offer('a', { held: false, available: 1 }), offer('b', { held: false, available: 0 })]),
    ).toEqual({
      kind: 'short',
      shortages: [
        { productId: 'a', requested: 2, available: 1 },
        { productId: 'b', requested: 1, available: 0 },
      ],
    });
  });

  it('holds exactly the quantity free', () => {
    expect(decideReservation(lines, [offer('a', { available: 2 }), offer('b', { available: 1 })])).toMatchObject({
      kind: 'held',
    });
  });

  it('counts nothing free for an unknown or archived product', () => {
    expect(decideReservation(lines, [offer('a', { held: false, active: false, available: 7 })])).toEqual({
      kind: 'short',
      shortages: [
        { productId: 'a', requested: 2, available: 0 },
        { productId: 'b', requested: 1, available: 0 },
      ],
    });
  });

  it('knows a retried call by lines that had enough free but were not held', () => {
    expect(decideReservation(lines, [offer('a', { held: false }), offer('b', { held: false })])).toEqual({
      kind: 'held-before',
    });
  });
});

describe('linesAlreadyReserved', () => {
  const line = (productId: string, status: string) => ({
    productId,
    sku: productId,
    name: productId,
    unitPriceAmount: 100,
    quantity: 1,
    status,
  });

  it('answers a retried order with the lines it holds or committed, sorted by product id', () => {
    expect(linesAlreadyReserved([line('b', 'held'), line('a', 'committed'), line('c', 'released')])).toEqual([
      { productId: 'a', sku: 'a', name: 'a', unitPriceAmount: 100, quantity: 1 },
      { productId: 'b', sku: 'b', name: 'b', unitPriceAmount: 100, quantity: 1 },
    ]);
  });

  it('has none for an order whose lines were all released, or that has none', () => {
    expect(linesAlreadyReserved([line('a', 'released')])).toEqual([]);
    expect(linesAlreadyReserved([])).toEqual([]);
  });
});
