import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../../../platform/http/errors.js';
import type { KvStore } from '../../../platform/kv/kv-store.js';
import { emptyCart, type StoredCart } from '../domain/cart.js';

/** API.md: a cart expires after 30 days without a change. */
export const cartIdleTtlMs = 30 * 24 * 3_600_000;
const maxAttempts = 20;

export interface CartStore {
  read(userId: string): Promise<StoredCart>;
  /**
   * Applies `change` to the current cart and saves it, atomically: when another write got in
   * first, `change` runs again on what that write left. `change` returns null for "no change"
   * (nothing is written, the expiry is left alone) and may throw to refuse. `known`, a cart this
   * store just read, is tried first instead of reading it again.
   */
  update(userId: string, change: (cart: StoredCart) => StoredCart | null, known?: StoredCart): Promise<StoredCart>;
  clear(userId: string): Promise<void>;
}

const keyOf = (userId: string) => `cart:${userId}`;

function parse(raw: string | null): StoredCart {
  if (raw === null) return emptyCart();
  const value = JSON.parse(raw) as Partial<StoredCart>;
  return {
    lines: Array.isArray(value.lines) ? value.lines : [],
    updatedAt: value.updatedAt ?? null,
    ...(Array.isArray(value.takenOrders) ? { takenOrders: value.takenOrders } : {}),
  };
}

/**
 * One JSON document per cart under `cart:<userId>`, written with compare-and-set: two requests
 * changing one cart at once cannot lose each other's update, and the line rules (99 per line,
 * 100 lines) hold for the whole cart. Every write resets the 30-day expiry. An emptied cart is
 * deleted unless it remembers orders taken out of it: an `order.placed` arriving after the
 * checkout emptied the cart must still find that it was applied.
 */
export function createCartStore(kv: KvStore): CartStore {
  // What each cart read was parsed from: the value a compare-and-set must find unchanged.
  const stored = new WeakMap<StoredCart, string | null>();
  const store: CartStore = {
    async read(userId) {
      const raw = await kv.get(keyOf(userId));
      const cart = parse(raw);
      stored.set(cart, raw);
      return cart;
    },
    async update(userId, change, known) {
      const key = keyOf(userId);
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const reuse = attempt === 1 && known !== undefined && stored.has(known);
        const raw = reuse ? (stored.get(known) ?? null) : await kv.get(key);
        const current = reuse ? known : parse(raw);
        const next = change(current);
        if (next === null) return current;
        const value = next.lines.length === 0 && !next.takenOrders?.length ? null : JSON.stringify(next);
        const saved =
          raw === null
            ? value === null || (await kv.set(key, value, { ttlMs: cartIdleTtlMs, ifAbsent: true }))
            : await kv.compareAndSet(key, raw, value, cartIdleTtlMs);
        if (saved) return value === null ? emptyCart() : next;
        // Someone else wrote in between: wait a little (jittered, growing) and redo the change.
        await sleep(Math.random() * Math.min(50, 2 ** attempt));
      }
      throw new AppError('service_unavailable', 'The cart is changing too fast to save this change; try again.');
    },
    clear: async (userId) => {
      await store.update(userId, (cart) => (cart.lines.length === 0 ? null : { ...cart, lines: [], updatedAt: null }));
    },
  };
  return store;
}
