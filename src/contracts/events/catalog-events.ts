import { Type, type Static, type TSchema } from 'typebox';
import { Money } from '../api/inventory.js';
import type { EventEnvelope, NewEvent } from './envelope.js';

/** Facts the catalog publishes about products and stock: ids plus the minimum data. */

const ProductId = Type.String();
const StockLine = Type.Object(
  { productId: ProductId, quantity: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export const ProductCreatedData = Type.Object(
  { productId: ProductId, sku: Type.String(), name: Type.String(), price: Money },
  { additionalProperties: false },
);
export type ProductCreatedData = Static<typeof ProductCreatedData>;

export const ProductUpdatedData = Type.Object(
  {
    productId: ProductId,
    version: Type.Integer(),
    /** Names of the fields that changed: name, description, price, categories, active. */
    changed: Type.Array(Type.String()),
    price: Money,
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type ProductUpdatedData = Static<typeof ProductUpdatedData>;

export const ProductArchivedData = Type.Object(
  { productId: ProductId, sku: Type.String() },
  { additionalProperties: false },
);
export type ProductArchivedData = Static<typeof ProductArchivedData>;

export const InventoryReservedData = Type.Object(
  { orderId: Type.String(), lines: Type.Array(StockLine) },
  { additionalProperties: false },
);
export type InventoryReservedData = Static<typeof InventoryReservedData>;

export const InventoryCommittedData = InventoryReservedData;
export type InventoryCommittedData = InventoryReservedData;

export const InventoryReleasedData = Type.Object(
  {
    orderId: Type.String(),
    lines: Type.Array(StockLine),
    /** `expired`: nobody committed the reservation in time. */
    reason: Type.Union([Type.Literal('requested'), Type.Literal('expired')]),
  },
  { additionalProperties: false },
);
export type InventoryReleasedData = Static<typeof InventoryReleasedData>;

export const InventoryAdjustedData = Type.Object(
  {
    productId: ProductId,
    delta: Type.Integer(),
    reason: Type.String(),
    onHand: Type.Integer({ minimum: 0 }),
    reserved: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type InventoryAdjustedData = Static<typeof InventoryAdjustedData>;

/** Every catalog event type with the schema of its `data`. */
export const catalogEventSchemas = {
  'product.created': ProductCreatedData,
  'product.updated': ProductUpdatedData,
  'product.archived': ProductArchivedData,
  'inventory.reserved': InventoryReservedData,
  'inventory.committed': InventoryCommittedData,
  'inventory.released': InventoryReleasedData,
  'inventory.adjusted': InventoryAdjustedData,
} as const satisfies Record<string, TSchema>;

export type CatalogEventType = keyof typeof catalogEventSchemas;
export type CatalogEventData<T extends CatalogEventType> = Static<(typeof catalogEventSchemas)[T]>;
export type CatalogEvent<T extends CatalogEventType = CatalogEventType> = EventEnvelope<T, CatalogEventData<T>>;

/** A typed event for the outbox: `emit([catalogEvent('product.created', {...})])`. */
export const catalogEvent = <T extends CatalogEventType>(
  type: T,
  data: CatalogEventData<T>,
): NewEvent<T, CatalogEventData<T>> => ({
  type,
  data,
});
