import { Type } from 'typebox';
import { Money } from '../../../contracts/api/inventory.js';
import { maxStock } from '../domain/product.js';

export const slugPattern = '^[a-z0-9]+(?:-[a-z0-9]+)*$';
const Slug = Type.String({
  pattern: slugPattern,
  minLength: 1,
  maxLength: 64,
  description: 'Lowercase words joined by hyphens.',
  example: 'home-office',
});
const maxPrice = 1_000_000_000;

const ProductImage = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')]),
    urls: Type.Object({
      original: Type.Union([Type.String(), Type.Null()]),
      thumbnail: Type.Union([Type.String(), Type.Null()]),
      medium: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  { additionalProperties: false, title: 'ProductImage' },
);

/** The product as the API shows it; `Product` is the domain type (domain/product.ts). */
export const ProductSchema = Type.Object(
  {
    id: Type.String({ example: 'prod_5f0c9a7e2b4d4c1e8a3b6d2f' }),
    sku: Type.String({ example: 'KIT-001' }),
    name: Type.String(),
    description: Type.String(),
    price: Money,
    categories: Type.Array(Type.String(), { description: 'Category slugs.' }),
    stock: Type.Object(
      { available: Type.Integer({ description: 'On hand minus reserved for orders.' }) },
      { additionalProperties: false },
    ),
    images: Type.Array(ProductImage),
    active: Type.Boolean({ description: 'False once archived.' }),
    version: Type.Integer({ description: 'Increases with every change to the product.' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false, title: 'Product' },
);

export const ProductPage = Type.Object(
  {
    items: Type.Array(ProductSchema),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass as `cursor` for the next page; null on the last page.',
    }),
  },
  { additionalProperties: false, title: 'ProductPage' },
);

export const ProductParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ListProductsQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Words to find in name and description (web search syntax: "quoted phrase", -excluded, or).',
      }),
    ),
    category: Type.Optional(Slug),
    minPrice: Type.Optional(
      Type.Integer({ minimum: 0, maximum: maxPrice, description: 'Lowest price in minor units.' }),
    ),
    maxPrice: Type.Optional(
      Type.Integer({ minimum: 0, maximum: maxPrice, description: 'Highest price in minor units.' }),
    ),
    inStock: Type.Optional(Type.Boolean({ description: 'true: only products with stock available.' })),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('relevance'), Type.Literal('price_asc'), Type.Literal('price_desc'), Type.Literal('newest')],
        {
          description: 'Default: relevance when q is given, else newest. relevance without q sorts by newest.',
        },
      ),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page.' })),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: 'nextCursor of the previous page, with the same sort.',
      }),
    ),
  },
  { additionalProperties: false },
);

const PriceInput = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: maxPrice, description: 'Integer minor units.', example: 1999 }),
    currency: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', description: 'Must be the store currency; defaults to it.' }),
    ),
  },
  { additionalProperties: false },
);

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const Description = Type.String({ maxLength: 5000 });
const CategoryList = Type.Array(Slug, { maxItems: 20, uniqueItems: true });

export const CreateProductBody = Type.Object(
  {
    sku: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', minLength: 1, maxLength: 64, example: 'KIT-042' }),
    name: Name,
    description: Description,
    price: PriceInput,
    categories: Type.Optional(CategoryList),
    stock: Type.Optional(
      Type.Integer({ minimum: 0, maximum: maxStock, description: 'Units on hand to start with (default 0).' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    price: Type.Optional(PriceInput),
    categories: Type.Optional(CategoryList),
    active: Type.Optional(Type.Boolean({ description: 'false archives the product, true brings it back.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const AdjustmentBody = Type.Object(
  {
    delta: Type.Integer({
      minimum: -maxStock,
      maximum: maxStock,
      not: { const: 0 },
      description: 'Units counted in (positive) or out (negative); not 0.',
    }),
    reason: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', example: 'Delivery from supplier' }),
  },
  { additionalProperties: false },
);

export const StockLevels = Type.Object(
  {
    stock: Type.Object(
      { available: Type.Integer(), onHand: Type.Integer(), reserved: Type.Integer() },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'StockLevels' },
);

export const Category = Type.Object(
  {
    slug: Type.String(),
    name: Type.String(),
    productCount: Type.Integer({ description: 'Active products in the category.' }),
  },
  { additionalProperties: false, title: 'Category' },
);

export const CategoryListResponse = Type.Object(
  { items: Type.Array(Category) },
  { additionalProperties: false, title: 'CategoryList' },
);

export const CreateCategoryBody = Type.Object(
  { slug: Slug, name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', example: 'Home Office' }) },
  { additionalProperties: false },
);
