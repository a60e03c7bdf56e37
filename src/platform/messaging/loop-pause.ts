/**
 * The waits of a worker loop. A wait for time alone ends early on `wake()` (or, when none is under
 * way, the next one is skipped, so a wake-up is never lost); a wait that also watches a promise
 * ends when it settles, not on a wake-up. `stop()` ends any wait, and every later one at once.
 */
export class LoopPause {
  private stopped = false;
  /** A wake-up that came while no wait for time alone was under way. */
  private wokenEarly = false;
  private current: { end: () => void; wakeable: boolean } | null = null;

  /** Waits up to `ms`, or until `until` settles. */
  wait(ms: number, until?: Promise<unknown>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!until && this.wokenEarly) {
      this.wokenEarly = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => end(), ms);
      const end = () => {
        clearTimeout(timer);
        // `until` may settle long after this wait ended: it must not end a later one.
        if (this.current === current) this.current = null;
        resolve();
      };
      const current = { end, wakeable: !until };
      this.current = current;
      until?.then(end, end);
    });
  }

  wake(): void {
    if (this.current?.wakeable) this.current.end();
    else this.wokenEarly = true;
  }

  stop(): void {
    this.stopped = true;
    this.current?.end();
  }
}
