-- Holds every line of an order or none, takes the stock of the lines it holds, and writes the
-- order's `inventory.reserved` event when it held them all: a reservation's whole write in one
-- autocommitted statement (see reserveStockWithEvent). Stock rows are locked by key, line by
-- line: a join of the lines with a table may be planned as a scan of the whole table.
--   $1 the order id, $2 the product ids, $3 their quantities, $4 now, $5 when the hold expires,
--   $6 the event's outbox rows as JSON (OutboxStatement.rows), $7 their lease in ms (or null)
with wanted as (
  select * from unnest($2::text[], $3::integer[]) as w(product_id, quantity)
),
-- Every transaction locks stock rows in byte order of product id, so none waits on another. A
-- locked row is its newest version: what is free now, whatever committed while this one waited.
locked as materialized (
  select stock.*, wanted.quantity
  from (select * from wanted order by product_id collate "C") as wanted
  cross join lateral (
    select inventory.product_id, inventory.on_hand - inventory.reserved as available,
           products.sku, products.name, products.price_amount, products.active
    from catalog.inventory
    join catalog.products on products.id = inventory.product_id
    where inventory.product_id = wanted.product_id
    for update of inventory
  ) as stock
),
-- All or nothing: lines are held only when every line has an active product with the quantity
-- free (decideReservation gives the answer by the same rule). A line the order holds or has
-- committed already is not held again: the order's key makes a concurrent call wait for the
-- first, then see its line. A line the order had released is held again.
held as (
  insert into catalog.reservations as r
    (order_id, product_id, quantity, unit_price_amount, status, expires_at, created_at, updated_at)
  select $1, product_id, quantity, price_amount, 'held', $5, $4, $4
  from locked
  where (select count(*) from locked where active and available >= quantity) = (select count(*) from wanted)
  on conflict (order_id, product_id) do update
    set quantity = excluded.quantity,
        unit_price_amount = excluded.unit_price_amount,
        status = 'held',
        expires_at = excluded.expires_at,
        updated_at = excluded.updated_at
    where r.status = 'released'
  returning product_id, quantity
),
-- Stock is taken for exactly the lines held here, so a retried call never takes it twice. The
-- lines come as arrays, which the planner reckons at ten, not a hundred: past a few thousand
-- products it looks these rows up by key rather than scanning the table.
taken as (
  update catalog.inventory
  set reserved = inventory.reserved + held.quantity
  from held
  where inventory.product_id = held.product_id
),
event as (
  insert into catalog.outbox (id, type, version, occurred_at, data, traceparent, claimed_until)
  select id, type, version, occurred_at, data, traceparent, now() + $7::integer * interval '1 millisecond'
  from jsonb_to_recordset($6::jsonb)
    as e(id uuid, type text, version integer, occurred_at timestamptz, data jsonb, traceparent text)
  where (select count(*) from held) = (select count(*) from wanted)
)
select
  locked.product_id as "productId",
  locked.sku,
  locked.name,
  locked.price_amount as "unitPriceAmount",
  locked.active,
  locked.available,
  held.product_id is not null as held
from locked
left join held on held.product_id = locked.product_id
