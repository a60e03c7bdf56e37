import type { Kysely } from 'kysely';
import { AppError } from '../../../platform/http/errors.js';
import { missingCategories } from '../data/category-repository.js';
import type { CatalogDb } from '../data/catalog-db.js';

/** One store currency: a price in any other is a mistake the caller must hear about. */
export function assertStoreCurrency(currency: string | undefined, storeCurrency: string): void {
  if (currency === undefined || currency === storeCurrency) return;
  throw new AppError(
    'validation_failed',
    `Prices are in ${storeCurrency}, the store currency; ${currency} is not accepted.`,
    {
      errors: [{ path: '/price/currency', message: `must be ${storeCurrency}` }],
    },
  );
}

export async function assertCategoriesExist(db: Kysely<CatalogDb>, slugs: string[]): Promise<void> {
  const missing = await missingCategories(db, slugs);
  if (missing.length === 0) return;
  throw new AppError(
    'validation_failed',
    `Unknown ${missing.length === 1 ? 'category' : 'categories'}: ${missing.join(', ')}. Create ${missing.length === 1 ? 'it' : 'them'} first with POST /api/v1/categories.`,
    {
      errors: missing.map((slug) => ({
        path: `/categories/${slugs.indexOf(slug)}`,
        message: `is not a known category: ${slug}`,
      })),
    },
  );
}

/** Slugs in the order given, each once. */
export const uniqueSlugs = (slugs: string[] | undefined): string[] => [...new Set(slugs ?? [])];
