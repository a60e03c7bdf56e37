import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { AppError } from '../../../platform/http/errors.js';
import { loadProduct, setProductCategories } from '../data/product-repository.js';
import type { CatalogContext } from './catalog-context.js';
import type { Product } from './product.js';
import { assertCategoriesExist, assertStoreCurrency, uniqueSlugs } from './product-rules.js';

export interface ProductChanges {
  name?: string | undefined;
  description?: string | undefined;
  price?: { amount: number; currency?: string | undefined } | undefined;
  categories?: string[] | undefined;
  active?: boolean | undefined;
}

/** Decides whether the caller's view of the product is current (If-Match); false → 412. */
export type Precondition = (current: Product) => boolean;

// What other services read of a product (its sku never changes): a change to one of them must reach the cart.
const factFields = new Set(['name', 'price', 'active']);

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((v) => b.includes(v));

/**
 * Changes what differs, bumps the version once, and emits product.updated (and product.archived
 * when it deactivated the product). A change to nothing changes nothing.
 */
// eslint-disable-next-line max-lines-per-function -- a use case's steps together in one function
export async function updateProduct(
  ctx: CatalogContext,
  id: string,
  changes: ProductChanges,
  precondition: Precondition,
): Promise<Product> {
  assertStoreCurrency(changes.price?.currency, ctx.currency);
  const categories = changes.categories && uniqueSlugs(changes.categories);
  const { product, changed } = await ctx.outbox.transaction(async (trx, emit) => {
    const current = await loadProduct(trx, id, ctx.currency, { activeOnly: false, forUpdate: true });
    if (!current) throw new AppError('not_found', `No product ${id}.`);
    if (!precondition(current)) {
      throw new AppError(
        'precondition_failed',
        'The product has changed since you read it (If-Match does not match its ETag). Read it again and retry.',
      );
    }
    const fields = {
      name: changes.name !== undefined && changes.name !== current.name,
      description: changes.description !== undefined && changes.description !== current.description,
      price: changes.price !== undefined && changes.price.amount !== current.price.amount,
      categories: categories !== undefined && !sameSet(categories, current.categories),
      active: changes.active !== undefined && changes.active !== current.active,
    };
    const changed = Object.entries(fields)
      .filter(([, differs]) => differs)
      .map(([field]) => field);
    if (changed.length === 0) return { product: current, changed };

    if (categories && fields.categories) {
      await assertCategoriesExist(trx, categories);
      await setProductCategories(trx, id, categories);
    }
    const updated = await trx
      .updateTable('products')
      .set((eb) => ({
        ...(fields.name ? { name: changes.name } : {}),
        ...(fields.description ? { description: changes.description } : {}),
        ...(fields.price ? { price_amount: changes.price?.amount } : {}),
        ...(fields.active ? { active: changes.active } : {}),
        version: eb('version', '+', 1),
        updated_at: ctx.clock.now(),
      }))
      .where('id', '=', id)
      .returning(['version', 'price_amount', 'active', 'sku'])
      .executeTakeFirstOrThrow();
    await emit([
      catalogEvent('product.updated', {
        productId: id,
        version: updated.version,
        changed,
        price: { amount: updated.price_amount, currency: ctx.currency },
        active: updated.active,
      }),
      ...(fields.active && !updated.active
        ? [catalogEvent('product.archived', { productId: id, sku: updated.sku })]
        : []),
    ]);
    return { product: await loadProduct(trx, id, ctx.currency, { activeOnly: false }), changed };
  });
  if (changed.some((field) => factFields.has(field))) await ctx.cache.productFactsChanged([id]);
  else if (changed.length > 0) await ctx.cache.productsChanged([id]);
  if (!product) throw new Error(`product ${id} vanished during update`);
  return product;
}
