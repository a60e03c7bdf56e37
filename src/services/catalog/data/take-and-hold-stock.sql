-- Takes every line whose product is active and has the quantity free, and holds the lines taken
-- for the order: a reservation's whole write in one statement (see takeAndHoldStock).
--   $1 the order id, $2 the lines as JSON [{product_id, quantity}], $3 now, $4 when the hold expires
with wanted as (
  select * from jsonb_to_recordset($2::jsonb) as w(product_id text, quantity integer)
),
-- Every transaction locks stock rows in byte order of product id, so none waits on another.
locked as (
  select product_id, on_hand - reserved as available
  from catalog.inventory
  where product_id in (select product_id from wanted)
  order by product_id collate "C"
  for update
),
-- The conditional update is what keeps any number of concurrent callers from overselling. Only
-- rows locked above, so it never waits here, out of order.
taken as (
  update catalog.inventory
  set reserved = inventory.reserved + wanted.quantity
  from wanted, catalog.products
  where inventory.product_id = wanted.product_id
    and products.id = inventory.product_id
    and products.active
    and inventory.on_hand - inventory.reserved >= wanted.quantity
    and inventory.product_id in (select product_id from locked)
  returning inventory.product_id, wanted.quantity, products.price_amount
),
-- A line the order holds or has committed already is not held again: the order's key makes a
-- concurrent call wait for the first, then see its line. A line it had released is held again.
held as (
  insert into catalog.reservations as r
    (order_id, product_id, quantity, unit_price_amount, status, expires_at, created_at, updated_at)
  select $1, product_id, quantity, price_amount, 'held', $4, $3, $3 from taken
  on conflict (order_id, product_id) do update
    set quantity = excluded.quantity,
        unit_price_amount = excluded.unit_price_amount,
        status = 'held',
        expires_at = excluded.expires_at,
        updated_at = excluded.updated_at
    where r.status = 'released'
  returning product_id
)
select
  locked.product_id as "productId",
  products.sku,
  products.name,
  products.price_amount as "unitPriceAmount",
  products.active,
  locked.available,
  held.product_id is not null as held
from locked
join catalog.products on products.id = locked.product_id
left join held on held.product_id = locked.product_id
