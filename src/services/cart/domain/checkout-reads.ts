import type { StoredCart } from './cart.js';

/** Checkouts whose order never took its lines (refused, failed) are forgotten oldest first past this many. */
const maxRemembered = 10_000;

/**
 * The cart each user's checkout read last, until the order takes its lines out: that write then
 * compares against the cart read (compare-and-set) instead of reading it again, one round trip
 * fewer in every checkout. A cart changed meanwhile fails the comparison and is read afresh, so a
 * stale entry costs a round trip, never a wrong cart.
 */
export class CheckoutReads {
  private readonly carts = new Map<string, StoredCart>();

  remember(userId: string, cart: StoredCart): void {
    // Deleted first so that the newest read is the last to be forgotten.
    this.carts.delete(userId);
    this.carts.set(userId, cart);
    if (this.carts.size > maxRemembered) {
      const oldest = this.carts.keys().next().value;
      if (oldest !== undefined) this.carts.delete(oldest);
    }
  }

  take(userId: string): StoredCart | undefined {
    const cart = this.carts.get(userId);
    this.carts.delete(userId);
    return cart;
  }
}
