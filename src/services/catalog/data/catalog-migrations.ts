import { sql, type Kysely } from 'kysely';
import type { Migrations } from '../../../platform/db/migrate.js';
import { orderLockPrefix } from './reservation-repository.js';

// Migrations receive a schema-bound Kysely, so table names stay unqualified.
/* eslint-disable @typescript-eslint/no-explicit-any */
export const catalogMigrations: Migrations = {
  '0001_catalog_01_products': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('categories')
        .addColumn('slug', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('sku', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('price_amount', 'integer', (c) => c.notNull().check(sql`price_amount >= 0`))
        .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addColumn('search', sql`tsvector`, (c) =>
          c
            .generatedAlwaysAs(
              sql`setweight(to_tsvector('english'::regconfig, name), 'A') || setweight(to_tsvector('english'::regconfig, description), 'B')`,
            )
            .stored(),
        )
        .execute();
      // One index per sort order of the list (scanned backwards for the descending ones), limited
      // to what the public list can show.
      await db.schema
        .createIndex('products_newest_idx')
        .on('products')
        .columns(['created_at', 'id'])
        .where(sql.ref('active'), '=', true)
        .execute();
      await db.schema
        .createIndex('products_price_idx')
        .on('products')
        .columns(['price_amount', 'id'])
        .where(sql.ref('active'), '=', true)
        .execute();
      await db.schema.createIndex('products_search_idx').on('products').using('gin').column('search').execute();

      await db.schema
        .createTable('product_categories')
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
        .addColumn('category_slug', 'text', (c) => c.notNull().references('categories.slug'))
        .addPrimaryKeyConstraint('product_categories_pk', ['category_slug', 'product_id'])
        .execute();
      await db.schema
        .createIndex('product_categories_product_idx')
        .on('product_categories')
        .columns(['product_id', 'category_slug'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('product_categories').execute();
      await db.schema.dropTable('products').execute();
      await db.schema.dropTable('categories').execute();
    },
  },
  '0001_catalog_02_inventory': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('inventory')
        .addColumn('product_id', 'text', (c) => c.primaryKey().references('products.id').onDelete('cascade'))
        .addColumn('on_hand', 'integer', (c) => c.notNull().check(sql`on_hand >= 0`))
        .addColumn('reserved', 'integer', (c) =>
          c
            .notNull()
            .defaultTo(0)
            .check(sql`reserved >= 0`),
        )
        .addCheckConstraint('inventory_reserved_within_on_hand', sql`reserved <= on_hand`)
        .execute();

      await db.schema
        .createTable('inventory_adjustments')
        .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id').onDelete('cascade'))
        .addColumn('delta', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('adjusted_by', 'text')
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inventory_adjustments_product_idx')
        .on('inventory_adjustments')
        .columns(['product_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('reservations')
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
        .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
        .addColumn('unit_price_amount', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('held', 'committed', 'released')`))
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('reservations_pk', ['order_id', 'product_id'])
        .execute();
      // The expiry job looks only at held reservations, oldest deadline first.
      await db.schema
        .createIndex('reservations_held_expiry_idx')
        .on('reservations')
        .column('expires_at')
        .where(sql.ref('status'), '=', 'held')
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('reservations').execute();
      await db.schema.dropTable('inventory_adjustments').execute();
      await db.schema.dropTable('inventory').execute();
    },
  },
  '0002_catalog_01_restocked_reservations': {
    // A paid order cancelled later puts its committed stock back on hand, once: the status says so.
    async up(db: Kysely<any>) {
      // The schema builder, unlike raw SQL, qualifies the table with the service's schema.
      await db.schema.alterTable('reservations').dropConstraint('reservations_status_check').execute();
      await db.schema
        .alterTable('reservations')
        .addCheckConstraint('reservations_status_check', sql`status in ('held', 'committed', 'released', 'restocked')`)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.alterTable('reservations').dropConstraint('reservations_status_check').execute();
      await db.schema
        .alterTable('reservations')
        .addCheckConstraint('reservations_status_check', sql`status in ('held', 'committed', 'released')`)
        .execute();
    },
  },
  '0003_catalog_01_reserve_stock_function': {
    // A checkout's reservation in one round trip instead of six (begin, lock, read, update, insert,
    // commit): the rules of `reserveStock` run where the rows are. Lines arrive merged and sorted
    // by product id, the order every transaction locks stock rows in, so two never deadlock.
    async up(db: Kysely<any>) {
      await sql`
        create function catalog.reserve_stock(p_order_id text, p_lines jsonb, p_now timestamptz, p_expires_at timestamptz)
        returns jsonb
        language plpgsql
        as $body$
        declare
          line record;
          product record;
          taken jsonb := '[]';
          short jsonb := '[]';
        begin
          -- Every reserve, commit and release of one order takes this lock first (lockOrder).
          perform pg_advisory_xact_lock(hashtextextended(${sql.lit(orderLockPrefix)} || p_order_id, 0));
          -- An order that holds stock already gets the same lines again, and no second event.
          if exists (select 1 from catalog.reservations where order_id = p_order_id and status <> 'released') then
            return jsonb_build_object('ok', true, 'emit', false, 'lines', (
              select jsonb_agg(jsonb_build_object('productId', r.product_id, 'sku', p.sku, 'name', p.name, 'unitPrice', r.unit_price_amount, 'quantity', r.quantity)
                               order by r.product_id collate "C")
              from catalog.reservations r join catalog.products p on p.id = r.product_id
              where r.order_id = p_order_id and r.status <> 'released'));
          end if;

          for line in
            select e.value->>'productId' as product_id, (e.value->>'quantity')::integer as quantity
            from jsonb_array_elements(p_lines) with ordinality as e(value, n) order by e.n
          loop
            -- One conditional update per line: no interleaving of callers can oversell.
            update catalog.inventory i set reserved = i.reserved + line.quantity
            from catalog.products p
            where i.product_id = line.product_id and p.id = i.product_id and p.active and i.on_hand - i.reserved >= line.quantity
            returning p.sku, p.name, p.price_amount into product;
            if found then
              taken := taken || jsonb_build_object('productId', line.product_id, 'sku', product.sku, 'name', product.name, 'unitPrice', product.price_amount, 'quantity', line.quantity);
            else
              short := short || jsonb_build_object('productId', line.product_id, 'requested', line.quantity, 'available', coalesce((
                select greatest(0, i.on_hand - i.reserved) from catalog.inventory i join catalog.products p on p.id = i.product_id
                where i.product_id = line.product_id and p.active), 0));
            end if;
          end loop;

          if jsonb_array_length(short) > 0 then
            -- All or nothing: what this call took goes back (its rows are still locked by it).
            update catalog.inventory i set reserved = i.reserved - r.quantity
            from jsonb_to_recordset(taken) as r("productId" text, quantity integer)
            where i.product_id = r."productId";
            return jsonb_build_object('ok', false, 'emit', false, 'shortages', short);
          end if;

          -- Released lines of the order are held again.
          insert into catalog.reservations (order_id, product_id, quantity, unit_price_amount, status, expires_at, created_at, updated_at)
          select p_order_id, r."productId", r.quantity, r."unitPrice", 'held', p_expires_at, p_now, p_now
          from jsonb_to_recordset(taken) as r("productId" text, quantity integer, "unitPrice" integer)
          on conflict (order_id, product_id) do update
            set quantity = excluded.quantity, unit_price_amount = excluded.unit_price_amount, status = 'held',
                expires_at = excluded.expires_at, updated_at = excluded.updated_at;
          return jsonb_build_object('ok', true, 'emit', true, 'lines', taken);
        end
        $body$`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`drop function catalog.reserve_stock(text, jsonb, timestamptz, timestamptz)`.execute(db);
    },
  },
  '0004_catalog_01_matched_reservations': {
    // Orders reconciles held reservations with its orders (release-abandoned-reservations.ts):
    // those whose order exists are marked, so that each is asked about once; the index holds
    // only the held ones not marked yet, oldest first.
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('reservations')
        .addColumn('matched', 'boolean', (c) => c.notNull().defaultTo(false))
        .execute();
      await db.schema
        .createIndex('reservations_unmatched_idx')
        .on('reservations')
        .column('created_at')
        .where(sql.ref('status'), '=', 'held')
        .where(sql.ref('matched'), '=', false)
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('reservations_unmatched_idx').execute();
      await db.schema.alterTable('reservations').dropColumn('matched').execute();
    },
  },
};
