import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from './support/infra.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { call, createAdmin, type TestUser, unique } from './support/http.js';

type Item = { id: string; name: string; price: { amount: number }; stock: { available: number }; createdAt: string };

describe.each(profiles)('catalog search and pagination (%s profile)', (profile) => {
  let app: TestApp;
  let admin: TestUser;

  const newCategory = async () => {
    const slug = unique('cat');
    const res = await call(app, 'POST', '/api/v1/categories', { token: admin.accessToken, body: { slug, name: slug } });
    expect(res.status).toBe(201);
    return slug;
  };
  const newProduct = async (
    category: string,
    fields: { name?: string; description?: string; price?: number; stock?: number } = {},
  ) => {
    const res = await call(app, 'POST', '/api/v1/products', {
      token: admin.accessToken,
      body: {
        sku: unique('SKU'),
        name: fields.name ?? 'Plain Item',
        description: fields.description ?? 'Nothing special.',
        price: { amount: fields.price ?? 1000 },
        stock: fields.stock ?? 1,
        categories: [category],
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.body as Item;
  };
  const list = async (query: string) => {
    const res = await call(app, 'GET', `/api/v1/products?${query}`);
    expect(res.status, res.text).toBe(200);
    return res.body as { items: Item[]; nextCursor: string | null };
  };
  const ids = (items: Item[]) => items.map((i) => i.id);

  /** Follows nextCursor to the end; `between` runs after each page. */
  const walk = async (query: string, between: () => Promise<void> = async () => undefined) => {
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items);
      cursor = page.nextCursor;
      await between();
    } while (cursor);
    return seen;
  };

  beforeAll(async () => {
    app = await createTestApp(profile);
    admin = await createAdmin(app);
  });
  afterAll(() => app?.close());

  it('finds products by words in name and description, best match first', async () => {
    const category = await newCategory();
    const inName = await newProduct(category, { name: 'Titanium Spork', description: 'A camping utensil.' });
    const inDescription = await newProduct(category, {
      name: 'Camp Cutlery',
      description: 'Includes a titanium spork and a knife.',
    });
    await newProduct(category, { name: 'Wool Blanket', description: 'Warm at night.' });

    const found = await list(`q=${encodeURIComponent('titanium sporks')}&category=${category}`);
    expect(ids(found.items)).toEqual([inName.id, inDescription.id]);
    const phrase = await list(`q=${encodeURIComponent('"camping utensil"')}&category=${category}`);
    expect(ids(phrase.items)).toEqual([inName.id]);
    expect((await list(`q=zeppelin&category=${category}`)).items).toEqual([]);
  });

  it('filters by category, price range and stock, and sorts by price and newest', async () => {
    const category = await newCategory();
    const cheap = await newProduct(category, { price: 500, stock: 0 });
    const middle = await newProduct(category, { price: 1500 });
    const dear = await newProduct(category, { price: 9000 });

    expect(ids((await list(`category=${category}`)).items)).toEqual([dear.id, middle.id, cheap.id]);
    expect(ids((await list(`category=${category}&sort=price_asc`)).items)).toEqual([cheap.id, middle.id, dear.id]);
    expect(ids((await list(`category=${category}&sort=price_desc`)).items)).toEqual([dear.id, middle.id, cheap.id]);
    expect(ids((await list(`category=${category}&minPrice=1000&maxPrice=9000&sort=price_asc`)).items)).toEqual([
      middle.id,
      dear.id,
    ]);
    expect(ids((await list(`category=${category}&inStock=true&sort=price_asc`)).items)).toEqual([middle.id, dear.id]);
    expect((await list('category=no-such-category')).items).toEqual([]);

    const bad = await call(app, 'GET', '/api/v1/products?minPrice=10&maxPrice=5');
    expect(bad.status).toBe(400);
    for (const query of ['limit=0', 'limit=101', 'sort=cheapest', 'minPrice=-1', 'unknown=1']) {
      const res = await call(app, 'GET', `/api/v1/products?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('shows a new product in lists on the next read', async () => {
    const category = await newCategory();
    const first = await newProduct(category);
    expect(ids((await list(`category=${category}`)).items)).toEqual([first.id]);
    const second = await newProduct(category);
    expect(ids((await list(`category=${category}`)).items)).toEqual([second.id, first.id]);
    await call(app, 'PATCH', `/api/v1/products/${first.id}`, {
      token: admin.accessToken,
      body: { price: { amount: 1 } },
    });
    expect((await list(`category=${category}&sort=price_asc`)).items[0]).toMatchObject({
      id: first.id,
      price: { amount: 1 },
    });
  });

  it.each(['newest', 'price_asc', 'price_desc', 'relevance'])(
    'walks every page sorted by %s without duplicates or gaps, even with inserts between pages',
    async (sort) => {
      const category = await newCategory();
      const word = unique('gadget').replace('-', '');
      const original: Item[] = [];
      // Equal prices on purpose: the id must break ties for the order to be total.
      for (let i = 0; i < 13; i++) {
        original.push(
          await newProduct(category, {
            name: `${word} number ${i}`,
            description: i % 2 ? `Also a ${word}.` : 'Plain.',
            price: 100 * (i % 4),
          }),
        );
      }
      let inserted = 0;
      const seen = await walk(`category=${category}&sort=${sort}&limit=4&q=${word}`, async () => {
        inserted += 1;
        await newProduct(category, { name: `${word} late ${inserted}`, price: 150 });
      });
      const seenIds = ids(seen);
      expect(new Set(seenIds).size).toBe(seenIds.length);
      for (const product of original) expect(seenIds).toContain(product.id);
      if (sort === 'price_asc')
        expect(seen.map((i) => i.price.amount)).toEqual([...seen.map((i) => i.price.amount)].sort((a, b) => a - b));
    },
  );

  it('refuses a damaged cursor and a cursor of another sort with 400 invalid_cursor', async () => {
    const category = await newCategory();
    for (let i = 0; i < 3; i++) await newProduct(category, { price: 100 + i });
    const page = await list(`category=${category}&sort=price_asc&limit=1`);
    expect(page.nextCursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(page.nextCursor ?? '');

    const otherSort = await call(app, 'GET', `/api/v1/products?category=${category}&sort=newest&cursor=${cursor}`);
    expect(otherSort.status).toBe(400);
    expect(otherSort.body.code).toBe('invalid_cursor');
    for (const damaged of ['not-a-cursor', Buffer.from('{"s":"price_asc","k":"x","i":"p"}').toString('base64url')]) {
      const res = await call(app, 'GET', `/api/v1/products?sort=price_asc&cursor=${damaged}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_cursor');
    }
  });

  it('reads a page of 100 with as many statements as a page of 5 (no N+1)', async () => {
    const category = await newCategory();
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => newProduct(category, { price: batch * 10 + i })));
    }
    const statementsFor = async (query: string) => {
      const statements: string[] = [];
      // Relays and consumers poll in the background: count only what reads catalog tables.
      const stop = app.infrastructure.db.observe((sql) => {
        if (/"catalog"\."(products|product_categories|inventory|categories)"/.test(sql)) statements.push(sql);
      });
      try {
        const page = await list(query);
        return { statements, items: page.items.length };
      } finally {
        stop();
      }
    };
    // Distinct queries: neither is in the cache.
    const five = await statementsFor(`category=${category}&limit=5&sort=price_asc`);
    const hundred = await statementsFor(`category=${category}&limit=100&sort=price_desc`);
    expect(five.items).toBe(5);
    expect(hundred.items).toBe(100);
    expect(five.statements.length).toBeGreaterThan(0);
    expect(hundred.statements.length).toBe(five.statements.length);
    const cached = await statementsFor(`category=${category}&limit=100&sort=price_desc`);
    expect(cached.statements).toEqual([]);
  });
});
