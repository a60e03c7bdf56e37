import type { Kysely } from 'kysely';
import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { AppError } from '../../../platform/http/errors.js';
import type { CatalogDb } from '../data/catalog-db.js';
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

type Field = keyof ProductChanges;

/** What the events of a change tell, as the update wrote it. */
interface Saved {
  version: number;
  price_amount: number;
  active: boolean;
  sku: string;
}

/**
 * Changes what differs, bumps the version once, and emits product.updated (and product.archived
 * when it deactivated the product). A change to nothing changes nothing.
 */
export async function updateProduct(
  ctx: CatalogContext,
  id: string,
  changes: ProductChanges,
  precondition: Precondition,
): Promise<Product> {
  assertStoreCurrency(changes.price?.currency, ctx.currency);
  const wanted = { ...changes, categories: changes.categories && uniqueSlugs(changes.categories) };
  const { product, changed } = await ctx.outbox.transaction(async (trx, emit) => {
    const current = await loadForChange(trx, ctx, id, precondition);
    const changed = differingFields(current, wanted);
    if (changed.length === 0) return { product: current, changed };
    const saved = await saveChanges(trx, ctx, id, wanted, changed);
    await emit(changeEvents(ctx, id, saved, changed));
    return { product: await loadProduct(trx, id, ctx.currency, { activeOnly: false }), changed };
  });
  if (changed.some((field) => factFields.has(field))) await ctx.cache.productFactsChanged([id]);
  else if (changed.length > 0) await ctx.cache.productsChanged([id]);
  if (!product) throw new Error(`product ${id} vanished during update`);
  return product;
}

/** The product locked for the change, unless there is none (404) or the caller's view of it is stale (412). */
async function loadForChange(
  trx: Kysely<CatalogDb>,
  ctx: CatalogContext,
  id: string,
  precondition: Precondition,
): Promise<Product> {
  const current = await loadProduct(trx, id, ctx.currency, { activeOnly: false, forUpdate: true });
  if (!current) throw new AppError('not_found', `No product ${id}.`);
  if (!precondition(current)) {
    throw new AppError(
      'precondition_failed',
      'The product has changed since you read it (If-Match does not match its ETag). Read it again and retry.',
    );
  }
  return current;
}

/** The fields sent with a value other than the product's, in the order product.updated lists them. */
function differingFields(current: Product, wanted: ProductChanges): Field[] {
  const differs: Record<Field, boolean> = {
    name: wanted.name !== undefined && wanted.name !== current.name,
    description: wanted.description !== undefined && wanted.description !== current.description,
    price: wanted.price !== undefined && wanted.price.amount !== current.price.amount,
    categories: wanted.categories !== undefined && !sameSet(wanted.categories, current.categories),
    active: wanted.active !== undefined && wanted.active !== current.active,
  };
  return (Object.keys(differs) as Field[]).filter((field) => differs[field]);
}

async function saveChanges(
  trx: Kysely<CatalogDb>,
  ctx: CatalogContext,
  id: string,
  wanted: ProductChanges,
  changed: Field[],
): Promise<Saved> {
  const has = (field: Field) => changed.includes(field);
  if (wanted.categories && has('categories')) {
    await assertCategoriesExist(trx, wanted.categories);
    await setProductCategories(trx, id, wanted.categories);
  }
  return trx
    .updateTable('products')
    .set((eb) => ({
      ...(has('name') ? { name: wanted.name } : {}),
      ...(has('description') ? { description: wanted.description } : {}),
      ...(has('price') ? { price_amount: wanted.price?.amount } : {}),
      ...(has('active') ? { active: wanted.active } : {}),
      version: eb('version', '+', 1),
      updated_at: ctx.clock.now(),
    }))
    .where('id', '=', id)
    .returning(['version', 'price_amount', 'active', 'sku'])
    .executeTakeFirstOrThrow();
}

function changeEvents(ctx: CatalogContext, id: string, saved: Saved, changed: Field[]) {
  return [
    catalogEvent('product.updated', {
      productId: id,
      version: saved.version,
      changed,
      price: { amount: saved.price_amount, currency: ctx.currency },
      active: saved.active,
    }),
    ...(changed.includes('active') && !saved.active
      ? [catalogEvent('product.archived', { productId: id, sku: saved.sku })]
      : []),
  ];
}
