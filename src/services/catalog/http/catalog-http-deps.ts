import type { AuthGuards } from '../../../platform/auth/auth-guards.js';
import type { CatalogContext } from '../domain/catalog-context.js';

export interface CatalogHttpDeps {
  ctx: CatalogContext;
  auth: AuthGuards;
  /** Cache-Control of public reads. */
  publicCacheControl: string;
}

export const productTag = 'Products';
export const categoryTag = 'Categories';
export const adminSecurity = [{ bearerAuth: [] }];
