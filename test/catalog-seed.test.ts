import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogService } from '../src/services/catalog/catalog-service.js';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call } from './support/http.js';

describe.each(profiles)('catalog demo data (%s profile)', (profile) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(profile, { config: { seedDemoData: true } });
  });
  afterAll(() => app?.close());

  const allProducts = async () => {
    const items: { id: string; categories: string[]; price: { amount: number } }[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(app, 'GET', `/api/v1/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };

  it('fills an empty catalog with at least 60 products in 6 categories', async () => {
    const categories = await call(app, 'GET', '/api/v1/categories');
    expect(categories.body.items).toHaveLength(6);
    expect(categories.body.items.map((c: { name: string }) => c.name).sort()).toEqual([
      'Apparel',
      'Books',
      'Electronics',
      'Home Office',
      'Kitchen',
      'Outdoor',
    ]);
    for (const category of categories.body.items) expect(category.productCount).toBeGreaterThanOrEqual(10);

    const products = await allProducts();
    expect(products.length).toBeGreaterThanOrEqual(60);
    for (const product of products) {
      expect(product.categories).toHaveLength(1);
      expect(Number.isInteger(product.price.amount)).toBe(true);
    }
    const search = await call(app, 'GET', '/api/v1/products?q=kettle');
    expect(search.body.items[0].name).toBe('Electric Kettle 1.7 L');
  });

  it('seeds only once, however many processes start together', async () => {
    const before = (await allProducts()).length;
    const catalog = app.services.get('catalog') as CatalogService;
    await Promise.all([catalog.start?.(), catalog.start?.(), catalog.start?.()]);
    expect((await allProducts()).length).toBe(before);
  });
});
