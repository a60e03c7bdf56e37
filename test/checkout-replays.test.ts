import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { layouts } from './support/infra.js';
import { call, registerUser, type CallResult, type TestUser } from './support/http.js';
import { eventually } from './support/eventually.js';
import { address, usd } from './support/api-values.js';
import { checkoutBody, checkoutShop, expectReplayOf } from './support/checkout-shop.js';
import { markerKey } from '../src/platform/http/idempotency.js';

describe.each(layouts)('checkout (%s profile)', (profile) => {
  const shop = checkoutShop(profile);
  const { newProduct, addToCart, checkout, available, stockRow, orderCount } = shop;

  it('needs a valid Idempotency-Key (400 idempotency_key_invalid) and a valid body', async () => {
    const user = await registerUser(shop.app);
    const product = await newProduct(5);
    await addToCart(user, product.id, 1);
    for (const key of [null, '', 'x'.repeat(256), 'has space']) {
      const res = await checkout(user, key);
      expect(res.status, String(key)).toBe(400);
      expect(res.body.code).toBe('idempotency_key_invalid');
    }
    const badBodies = [
      { shippingAddress: address },
      { shippingAddress: { ...address, country: 'gb' }, payment: { token: 'tok_visa' } },
      { shippingAddress: { ...address, country: 'XX' }, payment: { token: 'tok_visa' } },
      { shippingAddress: { ...address, phone: '123' }, payment: { token: 'tok_visa' } },
      { ...checkoutBody(), total: usd(1) },
      { shippingAddress: { ...address, city: '' }, payment: { token: 'tok_visa' } },
    ];
    for (const body of badBodies) {
      const res = await checkout(user, randomUUID(), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect(
      (
        await call(shop.app, 'POST', '/api/v1/checkout', {
          body: checkoutBody(),
          headers: { 'idempotency-key': randomUUID() },
        })
      ).status,
    ).toBe(401);
    expect(await available(product.id)).toBe(5);
  });

  /** A customer who checked out 2 of a new product (stock 5 at 7.00) under a fresh key: 202. */
  const placedOnce = async () => {
    const user = await registerUser(shop.app);
    const product = await newProduct(5, 700);
    await addToCart(user, product.id, 2);
    const key = randomUUID();
    const first = await checkout(user, key);
    expect(first.status, first.text).toBe(202);
    return { user, product, key, first };
  };

  it('replays a checkout with the same key and body: same answer, Idempotent-Replayed, one order', async () => {
    const { user, product, key, first } = await placedOnce();

    // The cart is emptied meanwhile: the replay still answers the order, not cart_empty.
    await eventually(async () =>
      (await call(shop.app, 'GET', '/api/v1/cart', { token: user.accessToken })).body.items.length === 0
        ? true
        : undefined,
    );
    // Field order does not make another request.
    const reordered = {
      payment: { token: 'tok_visa' },
      shippingAddress: {
        country: 'GB',
        postalCode: 'SW1Y 4JH',
        city: 'London',
        line1: address.line1,
        name: address.name,
      },
    };
    expectReplayOf(await checkout(user, key, reordered), first);
    expect(await orderCount(user.id)).toBe(1);
    expect(await available(product.id)).toBe(3);

    const other = await checkout(user, key, checkoutBody('tok_mastercard'));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await orderCount(user.id)).toBe(1);

    // Keys are scoped per user: another user's request with the same key is its own checkout.
    const someoneElse = await registerUser(shop.app);
    await addToCart(someoneElse, product.id, 1);
    const theirs = await checkout(someoneElse, key);
    expect(theirs.status, theirs.text).toBe(202);
    expect(theirs.body.order.id).not.toBe(first.body.order.id);
  });

  describe('when the key-value store lost the key (Redis flushed, memory store restarted)', () => {
    /** Forgets the key's marker, sends the same request again, and expects the first answer, marked as a replay. */
    const replayForgotten = async (user: TestUser, key: string, first: CallResult) => {
      expect(await shop.app.serving('orders').infrastructure.kv.del(markerKey({ userId: user.id }, key))).toBe(1);
      expectReplayOf(await checkout(user, key), first);
    };

    it('replays a placed order from the database: one order, stock unchanged, the same answer', async () => {
      const { user, product, key, first } = await placedOnce();
      // A line in the cart again, so that only the key of the idempotency record stops the replay.
      await addToCart(user, product.id, 1);
      await replayForgotten(user, key, first);
      expect(await orderCount(user.id)).toBe(1);
      expect(await stockRow(product.id)).toEqual({ on_hand: 5, reserved: 2 });
    });

    it('replays a stored refusal from the database, whether the replay is refused again or could be placed', async () => {
      const user = await registerUser(shop.app);
      const emptyKey = randomUUID();
      const empty = await checkout(user, emptyKey);
      expect(empty.body.code).toBe('cart_empty');
      await replayForgotten(user, emptyKey, empty);

      const scarce = await newProduct(1);
      await addToCart(user, scarce.id, 2);
      const shortKey = randomUUID();
      const short = await checkout(user, shortKey);
      expect(short.body.code).toBe('insufficient_stock');
      await call(shop.app, 'POST', `/api/v1/products/${scarce.id}/inventory-adjustments`, {
        token: shop.admin.accessToken,
        body: { delta: 5, reason: 'Restock' },
      });
      await replayForgotten(user, shortKey, short);

      expect(await orderCount(user.id)).toBe(0);
      expect(await stockRow(scarce.id)).toEqual({ on_hand: 6, reserved: 0 });
    });
  });

  it('places one order for concurrent duplicates; the others get 409 in progress or the replay', async () => {
    const user = await registerUser(shop.app);
    const product = await newProduct(20);
    await addToCart(user, product.id, 2);
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 8 }, () => checkout(user, key)));
    const placed = answers.filter((a) => a.status === 202);
    const originals = placed.filter((a) => a.headers['idempotent-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const a of placed) expect(a.body.order.id).toBe(originals[0]?.body.order.id);
    for (const a of answers.filter((x) => x.status !== 202)) {
      expect(a.status).toBe(409);
      expect(a.body.code).toBe('idempotency_request_in_progress');
    }
    expect(await orderCount(user.id)).toBe(1);
    expect(await stockRow(product.id)).toEqual({ on_hand: 20, reserved: 2 });

    // A different body while the first one runs is refused as a reused key, not as in progress.
    const other = await registerUser(shop.app);
    await addToCart(other, product.id, 1);
    const otherKey = randomUUID();
    const [a, b] = await Promise.all([
      checkout(other, otherKey),
      checkout(other, otherKey, checkoutBody('tok_mastercard')),
    ]);
    expect([a.status, b.status]).toContain(202);
    expect(b.status === 202 ? a.body.code : b.body.code).toBe('idempotency_key_reused');
  });
});
