/**
 * What other services may ask of the cart service (in process, or over its internal HTTP route).
 * Orders reads a user's cart at checkout; prices there are informative only.
 */
export interface CartLineRef {
  productId: string;
  quantity: number;
}

export interface CartReader {
  /** The user's cart lines, empty when there is no cart. */
  linesOf(userId: string): Promise<CartLineRef[]>;
}
