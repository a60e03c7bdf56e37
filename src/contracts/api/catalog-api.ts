import { Type, type Static } from 'typebox';
import { Money } from '../money.js';

/**
 * What other services may read of the catalog's products (in process, or over the catalog's
 * internal route `POST /internal/products/lookup`): the cart shows current names and prices.
 * No stock: it changes with every reservation, and leaving it out lets the catalog cache the rest.
 */
export const ProductSnapshot = Type.Object(
  {
    id: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    price: Money,
    active: Type.Boolean(),
  },
  { additionalProperties: false, title: 'ProductSnapshot' },
);
export type ProductSnapshot = Static<typeof ProductSnapshot>;

export const ProductLookupRequest = Type.Object(
  { ids: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200 }) },
  { additionalProperties: false },
);
export type ProductLookupRequest = Static<typeof ProductLookupRequest>;

export const ProductLookupResponse = Type.Object(
  { items: Type.Array(ProductSnapshot) },
  { additionalProperties: false },
);

export interface ProductReader {
  /** The products among `ids` that exist (archived ones included, with active false), in any order. */
  productsByIds(ids: string[]): Promise<ProductSnapshot[]>;
}
