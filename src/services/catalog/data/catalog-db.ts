import type { ColumnType, Generated } from 'kysely';

/** The catalog's own tables (the messaging tables sit beside them in the `catalog` schema). */
export interface CatalogDb {
  categories: CategoriesTable;
  products: ProductsTable;
  product_categories: ProductCategoriesTable;
  inventory: InventoryTable;
  inventory_adjustments: InventoryAdjustmentsTable;
  reservations: ReservationsTable;
}

export interface CategoriesTable {
  slug: string;
  name: string;
  created_at: ColumnType<Date, Date, never>;
}

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  description: string;
  price_amount: number;
  active: Generated<boolean>;
  version: Generated<number>;
  // Always written by the application, in milliseconds, so that cursors carrying a JS date
  // compare exactly with the stored value.
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
  /** Generated from name and description. */
  search: ColumnType<string, never, never>;
}

export interface ProductCategoriesTable {
  product_id: string;
  category_slug: string;
}

export interface InventoryTable {
  product_id: string;
  on_hand: number;
  reserved: Generated<number>;
}

export interface InventoryAdjustmentsTable {
  id: Generated<string>;
  product_id: string;
  delta: number;
  reason: string;
  adjusted_by: string | null;
  created_at: ColumnType<Date, Date, never>;
}

/** `restocked`: committed, then put back on hand because the paid order was cancelled. */
export type ReservationStatus = 'held' | 'committed' | 'released' | 'restocked';

export interface ReservationsTable {
  order_id: string;
  product_id: string;
  quantity: number;
  unit_price_amount: number;
  status: ReservationStatus;
  expires_at: Date;
  /** Orders said the order exists (see `InventoryApi.unmatched`). */
  matched: Generated<boolean>;
  created_at: ColumnType<Date, Date, never>;
  updated_at: ColumnType<Date, Date, Date>;
}
