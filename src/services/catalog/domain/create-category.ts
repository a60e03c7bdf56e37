import { AppError } from '../../../platform/http/errors.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import type { CategoryWithCount } from '../data/category-repository.js';
import type { CatalogContext } from './catalog-context.js';

/** Adds an empty category; its slug is its id for good. */
export async function createCategory(
  ctx: CatalogContext,
  input: { slug: string; name: string },
): Promise<CategoryWithCount> {
  try {
    await ctx.db
      .insertInto('categories')
      .values({ slug: input.slug, name: input.name, created_at: ctx.clock.now() })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('category_taken', `A category with slug ${input.slug} exists already.`);
    throw err;
  }
  await ctx.cache.listsChanged();
  return { slug: input.slug, name: input.name, productCount: 0 };
}
