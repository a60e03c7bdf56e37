import type { Clock } from '../../src/platform/clock.js';

export interface FakeClock extends Clock {
  /** Moves the time on by `ms`, as if that long had passed. */
  advance(ms: number): void;
}

/** A clock that stands still until the test moves it; it starts at the real time. */
export function createFakeClock(start = new Date()): FakeClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}
