import type { CounterResult, KvStore, SetOptions, Window } from './kv-store.js';

interface Entry {
  value: string;
  /** Epoch milliseconds; null never expires. */
  expiresAt: number | null;
}

export interface MemoryKvStoreOptions {
  /** How often expired keys are dropped even when nobody reads them again. */
  sweepIntervalMs?: number;
}

/** The embedded adapter: one process only, state is lost on exit. */
export class MemoryKvStore implements KvStore {
  readonly kind = 'memory';
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryKvStoreOptions = {}) {
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep only frees memory; it must never keep the process alive.
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async getMany(keys: string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.live(key)?.value ?? null);
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.ifAbsent && this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: expiryOf(options.ttlMs) });
    return true;
  }

  async del(...keys: string[]): Promise<number> {
    let existed = 0;
    for (const key of keys) {
      if (this.live(key)) existed += 1;
      this.entries.delete(key);
    }
    return existed;
  }

  async increment(key: string, ttlMs: number, by = 1, window: Window = 'fixed'): Promise<CounterResult> {
    if (!Number.isSafeInteger(by)) throw new TypeError(`increment by ${by}: not an integer`);
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: String(by), expiresAt: expiryOf(ttlMs) });
      return { value: by, ttlMs };
    }
    // Same rule as Redis INCRBY: only a base-10 integer can be incremented.
    if (!/^-?\d+$/.test(entry.value)) throw new TypeError(`increment ${key}: value is not an integer`);
    const value = Number(entry.value) + by;
    entry.value = String(value);
    if (window === 'sliding') entry.expiresAt = expiryOf(ttlMs);
    return { value, ttlMs: remaining(entry) };
  }

  async compareAndSet(key: string, expected: string, next: string | null, ttlMs?: number): Promise<boolean> {
    const entry = this.live(key);
    if (!entry || entry.value !== expected) return false;
    if (next === null) {
      this.entries.delete(key);
      return true;
    }
    entry.value = next;
    if (ttlMs !== undefined) entry.expiresAt = expiryOf(ttlMs);
    return true;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = expiryOf(ttlMs);
    return true;
  }

  async ttl(key: string): Promise<number | null> {
    const entry = this.live(key);
    return entry ? remaining(entry) : null;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  /** The entry when it exists and has not expired; an expired one is dropped on the way. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

function expiryOf(ttlMs: number | undefined): number | null {
  return ttlMs === undefined ? null : Date.now() + ttlMs;
}

function remaining(entry: Entry): number {
  return entry.expiresAt === null ? -1 : Math.max(0, entry.expiresAt - Date.now());
}
