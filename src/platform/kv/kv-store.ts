/**
 * The key-value port: in-memory for one process, Redis for many. Both adapters pass the same
 * contract suite (kv-store.contract.ts). Keys are plain strings; the Redis adapter adds its prefix.
 */
export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist yet (returns false when it did). */
  ifAbsent?: boolean;
}

/** How an increment treats the expiry of an existing counter. */
export type Window = 'fixed' | 'sliding';

export interface CounterResult {
  /** The value after incrementing. */
  value: number;
  /** Milliseconds until the key expires. */
  ttlMs: number;
}

export interface KvStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  getMany(keys: string[]): Promise<(string | null)[]>;
  /** Returns false only when `ifAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Deletes keys; returns how many existed. */
  del(...keys: string[]): Promise<number>;
  /**
   * Atomically adds `by` (default 1). A key created by this call expires after `ttlMs`; an
   * existing key keeps its expiry (`fixed`, the default) or gets `ttlMs` again (`sliding`).
   */
  increment(key: string, ttlMs: number, by?: number, window?: Window): Promise<CounterResult>;
  /**
   * Atomically replaces the value when it equals `expected`; `next` null deletes the key.
   * Returns whether it swapped. `ttlMs` sets a new expiry on the swapped value.
   */
  compareAndSet(key: string, expected: string, next: string | null, ttlMs?: number): Promise<boolean>;
  /** Sets a new expiry; false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Milliseconds to expiry; null when the key does not exist, -1 when it never expires. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
