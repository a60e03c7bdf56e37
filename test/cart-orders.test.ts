import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { orderPlaced } from '../src/contracts/events/order-events.js';
import { writeOutboxEvents } from '../src/platform/messaging/outbox.js';
import type { CartService } from '../src/services/cart/cart-service.js';
import { newOrderId } from '../src/services/orders/domain/order-ids.js';
import { profiles } from './support/infra.js';
import { registerUser, type CreatedProduct } from './support/http.js';
import { deliveriesFinished } from './support/quiescence.js';
import { usd } from './support/api-values.js';
import { cartShop } from './support/cart-shop.js';

/** A line of an order as order.placed carries it: `quantity` of a product at `price` each. */
const orderLine = (product: CreatedProduct, price: number, quantity: number) => ({
  productId: product.id,
  sku: product.sku,
  name: product.name,
  unitPrice: usd(price),
  quantity,
  lineTotal: usd(price * quantity),
});

/** order.placed for an order of one line, as the orders' relay publishes it. */
const orderPlacedEnvelope = (orderId: string, userId: string, line: ReturnType<typeof orderLine>) => ({
  id: randomUUID(),
  type: 'order.placed',
  version: 1,
  occurredAt: new Date().toISOString(),
  traceparent: null,
  data: { orderId, userId, items: [line], total: line.lineTotal, payment: { token: 'tok_visa' } },
});

describe.each(profiles)('cart (%s profile)', (profile) => {
  const shop = cartShop(profile);
  const { newProduct, cartOf, add } = shop;

  it('serves its lines to orders in process, with a version that changes with every change of the cart', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct();
    await add(user, mug.id, 4);
    const carts = (shop.app.services.get('cart') as CartService).carts;
    const read = await carts.linesOf(user.id);
    expect(read).toEqual({
      items: [{ productId: mug.id, quantity: 4 }],
      version: expect.any(String),
      subtotal: { amount: 6000, currency: 'USD' },
    });
    expect((await carts.linesOf(user.id)).version).toBe(read.version);
    expect((await carts.linesOf('usr_nobody')).items).toEqual([]);

    // An order taken out and the same line added again: the cart looks as it did, its version does not.
    await carts.takeOrder({ orderId: newOrderId(new Date()), userId: user.id, items: read.items });
    await add(user, mug.id, 4);
    const again = await carts.linesOf(user.id);
    expect(again.items).toEqual(read.items);
    expect(again.version).not.toBe(read.version);
  });

  it('takes an order out of the cart its checkout read, and keeps what was added after that read', async () => {
    const user = await registerUser(shop.app);
    const [mug, pot] = [await newProduct(), await newProduct()];
    await add(user, mug.id, 4);
    const carts = (shop.app.services.get('cart') as CartService).carts;

    const { items: lines } = await carts.linesOf(user.id);
    await carts.takeOrder({ orderId: newOrderId(new Date()), userId: user.id, items: lines });
    expect((await cartOf(user)).body.items).toEqual([]);

    await add(user, mug.id, 2);
    const { items: read } = await carts.linesOf(user.id);
    await add(user, pot.id, 1);
    await carts.takeOrder({ orderId: newOrderId(new Date()), userId: user.id, items: read });
    expect(
      (await cartOf(user)).body.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity]),
    ).toEqual([[pot.id, 1]]);
  });

  it('is emptied when an order.placed event for the user arrives', async () => {
    const user = await registerUser(shop.app);
    const other = await registerUser(shop.app);
    const mug = await newProduct(700);
    await add(user, mug.id, 2);
    await add(other, mug.id, 1);
    const line = orderLine(mug, 700, 2);
    await writeOutboxEvents(shop.app.infrastructure.db.forSchema('orders'), [
      orderPlaced({
        orderId: randomUUID(),
        userId: user.id,
        items: [line],
        total: usd(1400),
        payment: { token: 'tok_visa' },
      }),
    ]);
    await expect.poll(async () => (await cartOf(user)).body.items, { timeout: 5_000, interval: 50 }).toEqual([]);
    expect((await cartOf(other)).body.items).toMatchObject([{ productId: mug.id, quantity: 1 }]);
  });

  it('takes out only what the order took, once, however late and often order.placed arrives', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct(700);
    const pot = await newProduct(900);
    await add(user, mug.id, 1);
    const line = orderLine(mug, 700, 1);
    const orderId = randomUUID();
    // The customer went on shopping before order.placed reached the cart: one more mug, a pot.
    await add(user, mug.id, 1);
    await add(user, pot.id, 1);
    const envelope = orderPlacedEnvelope(orderId, user.id, line);
    const before = await deliveriesFinished(shop.app, 'cart', 'order.placed');
    // The same event twice, and a second event for the same order (a handler that wrote the cart and then failed to commit).
    await shop.app.infrastructure.bus.publish([envelope]);
    await shop.app.infrastructure.bus.publish([envelope]);
    await shop.app.infrastructure.bus.publish([{ ...envelope, id: randomUUID() }]);
    await expect
      .poll(() => deliveriesFinished(shop.app, 'cart', 'order.placed'), { timeout: 5_000, interval: 25 })
      .toBe(before + 3);
    expect(
      (await sql`select 1 from cart.inbox where event_id = ${envelope.id}`.execute(shop.app.infrastructure.db.root))
        .rows,
    ).toHaveLength(1);
    const items = (await cartOf(user)).body.items.map((i: { productId: string; quantity: number }) => [
      i.productId,
      i.quantity,
    ]);
    expect(items).toEqual([
      [mug.id, 1],
      [pot.id, 1],
    ]);
  });

  it('keeps lines added since when order.placed comes after the cart forgot that checkout took the order', async () => {
    const user = await registerUser(shop.app);
    const mug = await newProduct(700);
    const carts = (shop.app.services.get('cart') as CartService).carts;
    const items = [{ productId: mug.id, quantity: 1 }];
    await add(user, mug.id, 1);
    const first = newOrderId(new Date(Date.now() - 60_000));
    await carts.takeOrder({ orderId: first, userId: user.id, items });
    // A busy customer: many more orders taken out of the cart while order.placed of the first waited.
    for (let i = 59; i > 29; i -= 1)
      await carts.takeOrder({ orderId: newOrderId(new Date(Date.now() - i * 1_000)), userId: user.id, items });
    await add(user, mug.id, 1);
    const line = orderLine(mug, 700, 1);
    const envelope = orderPlacedEnvelope(first, user.id, line);
    const before = await deliveriesFinished(shop.app, 'cart', 'order.placed');
    await shop.app.infrastructure.bus.publish([envelope]);
    await expect
      .poll(() => deliveriesFinished(shop.app, 'cart', 'order.placed'), { timeout: 5_000, interval: 25 })
      .toBe(before + 1);
    expect((await cartOf(user)).body.items).toMatchObject([{ productId: mug.id, quantity: 1 }]);
  });

  it('takes out the orders of many users in one batch, each from its own cart', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => registerUser(shop.app)));
    const mug = await newProduct(700);
    const pot = await newProduct(900);
    for (const user of users) {
      await add(user, mug.id, 2);
      await add(user, pot.id, 1);
    }
    const line = orderLine(mug, 700, 1);
    // Two orders per user in one publish, each taking one mug.
    const envelopes = users.flatMap((user) =>
      [0, 1].map(() => orderPlacedEnvelope(newOrderId(new Date()), user.id, line)),
    );
    await shop.app.infrastructure.bus.publish(envelopes);
    const lines = async () =>
      Promise.all(
        users.map(async (user) =>
          (await cartOf(user)).body.items.map((i: { productId: string; quantity: number }) => [
            i.productId,
            i.quantity,
          ]),
        ),
      );
    await expect.poll(lines, { timeout: 5_000, interval: 50 }).toEqual(users.map(() => [[pot.id, 1]]));
  });
});
