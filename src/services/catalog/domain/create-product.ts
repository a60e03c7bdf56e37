import { catalogEvent } from '../../../contracts/events/catalog-events.js';
import { AppError } from '../../../platform/http/errors.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import { loadProduct, setProductCategories } from '../data/product-repository.js';
import type { CatalogContext } from './catalog-context.js';
import { newProductId, type Product } from './product.js';
import { assertCategoriesExist, assertStoreCurrency, uniqueSlugs } from './product-rules.js';

export interface NewProduct {
  sku: string;
  name: string;
  description: string;
  price: { amount: number; currency?: string | undefined };
  categories?: string[] | undefined;
  stock?: number | undefined;
}

/** Adds a product with its categories and opening stock, and tells the world. */
export async function createProduct(ctx: CatalogContext, input: NewProduct): Promise<Product> {
  assertStoreCurrency(input.price.currency, ctx.currency);
  const categories = uniqueSlugs(input.categories);
  const id = newProductId();
  const now = ctx.clock.now();
  let product: Product | null;
  try {
    product = await ctx.outbox.transaction(async (trx, emit) => {
      await assertCategoriesExist(trx, categories);
      await trx
        .insertInto('products')
        .values({
          id,
          sku: input.sku,
          name: input.name,
          description: input.description,
          price_amount: input.price.amount,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await setProductCategories(trx, id, categories);
      await trx
        .insertInto('inventory')
        .values({ product_id: id, on_hand: input.stock ?? 0 })
        .execute();
      await emit([
        catalogEvent('product.created', {
          productId: id,
          sku: input.sku,
          name: input.name,
          price: { amount: input.price.amount, currency: ctx.currency },
        }),
      ]);
      return loadProduct(trx, id, ctx.currency, { activeOnly: false });
    });
  } catch (err) {
    if (isUniqueViolation(err, 'products_sku_key')) {
      throw new AppError('sku_taken', `SKU ${input.sku} is already used by another product (archived ones included).`);
    }
    throw err;
  }
  await ctx.cache.productFactsChanged([id]);
  if (!product) throw new Error(`product ${id} vanished after insert`);
  return product;
}
