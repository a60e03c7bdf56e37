import { randomBytes } from 'node:crypto';
import type { Money } from '../../../contracts/api/inventory.js';

export type ImageStatus = 'processing' | 'ready' | 'failed';

export interface ProductImage {
  id: string;
  status: ImageStatus;
  urls: { original: string | null; thumbnail: string | null; medium: string | null };
}

/** A product as the public API shows it. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string;
  price: Money;
  categories: string[];
  stock: { available: number };
  images: ProductImage[];
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Stock as an admin sees it after an adjustment. */
export interface StockLevels {
  available: number;
  onHand: number;
  reserved: number;
}

export type ProductSort = 'relevance' | 'price_asc' | 'price_desc' | 'newest';

export interface ProductPage {
  items: Product[];
  nextCursor: string | null;
}

/** Opaque, URL-safe and unguessable enough that ids say nothing about volume. */
export const newProductId = (): string => `prod_${randomBytes(12).toString('hex')}`;

/** Stock above this is refused: it keeps every sum of stock well inside a 32-bit column. */
export const maxStock = 1_000_000_000;
