/**
 * The catalogue of stable error codes: each code has one HTTP status and one title, here only.
 * Clients branch on `code`; `detail` is for people.
 */
export const errorCatalog = {
  validation_failed: { status: 400, title: 'Request is not valid' },
  malformed_request: { status: 400, title: 'Request is not well-formed HTTP' },
  invalid_json: { status: 400, title: 'Request body is not valid JSON' },
  invalid_cursor: { status: 400, title: 'Cursor is not valid' },
  idempotency_key_invalid: { status: 400, title: 'Idempotency-Key is not valid' },
  unauthorized: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Email or password is wrong' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  product_not_found: { status: 404, title: 'Product not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  email_taken: { status: 409, title: 'Email is already registered' },
  sku_taken: { status: 409, title: 'SKU is already used' },
  category_taken: { status: 409, title: 'Category slug is already used' },
  insufficient_stock: { status: 409, title: 'Not enough stock' },
  stock_reserved: { status: 409, title: 'Stock on hand cannot drop below what is reserved' },
  order_not_cancellable: { status: 409, title: 'Order cannot be cancelled' },
  order_not_shippable: { status: 409, title: 'Order cannot be shipped' },
  idempotency_request_in_progress: { status: 409, title: 'A request with this Idempotency-Key is still running' },
  request_timeout: { status: 408, title: 'Request took too long to arrive' },
  checkout_in_progress: { status: 409, title: 'Another checkout of this cart is running or has just placed its order' },
  precondition_failed: { status: 412, title: 'Resource has changed' },
  payload_too_large: { status: 413, title: 'Request body is too large' },
  uri_too_long: { status: 414, title: 'Request target is too long' },
  unsupported_media_type: { status: 415, title: 'Content type not supported' },
  idempotency_key_reused: { status: 422, title: 'Idempotency-Key was used with another request' },
  cart_empty: { status: 422, title: 'Cart is empty' },
  order_total_too_large: { status: 422, title: 'Order total is more than one order can be' },
  precondition_required: { status: 428, title: 'Precondition required' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request headers are too large' },
  internal_error: { status: 500, title: 'Internal error' },
  bad_gateway: { status: 502, title: 'Upstream service failed' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export interface ProblemFieldError {
  path: string;
  message: string;
}

/** An error a handler throws on purpose; it becomes an RFC 9457 problem+json response. */
export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? errorCatalog[code].title);
    this.status = errorCatalog[code].status;
    this.title = errorCatalog[code].title;
  }
}

export const problemType = (code: string): string => `urn:emporium:problem:${code}`;

/** A list's `cursor` that the list did not make: damaged, crafted, or made for another sort. */
export const invalidCursor = (detail: string): AppError =>
  new AppError('invalid_cursor', detail, {
    errors: [{ path: '/querystring/cursor', message: 'is not a cursor this list made' }],
  });
