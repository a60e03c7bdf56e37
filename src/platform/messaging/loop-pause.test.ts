import { describe, expect, it } from 'vitest';
import { LoopPause } from './loop-pause.js';

const long = 60_000;
/** Whether `wait` ended by the next turn of the event loop: the waits here are for a minute. */
async function ended(wait: Promise<void>): Promise<boolean> {
  let done = false;
  void wait.then(() => (done = true));
  await new Promise(setImmediate);
  return done;
}

describe('LoopPause', () => {
  it('ends a wait for time on wake, and skips the next one when woken between waits', async () => {
    const pause = new LoopPause();
    const waiting = pause.wait(long);
    pause.wake();
    expect(await ended(waiting)).toBe(true);
    pause.wake();
    expect(await ended(pause.wait(long))).toBe(true);
    expect(await ended(pause.wait(long))).toBe(false);
    pause.stop();
  });

  it('keeps a wait on a promise until it settles, whatever the wake-ups, and leaves them for the next wait', async () => {
    const pause = new LoopPause();
    let settle: () => void = () => undefined;
    const waiting = pause.wait(long, new Promise<void>((resolve) => (settle = resolve)));
    pause.wake();
    expect(await ended(waiting)).toBe(false);
    settle();
    expect(await ended(waiting)).toBe(true);
    expect(await ended(pause.wait(long))).toBe(true);
    pause.stop();
  });

  it('ends every wait once stopped', async () => {
    const pause = new LoopPause();
    const waiting = pause.wait(long, new Promise(() => undefined));
    pause.stop();
    expect(await ended(waiting)).toBe(true);
    expect(await ended(pause.wait(long))).toBe(true);
  });
});
