/**
 * When a polling worker looks at the database: at every tick while work is expected (an event was
 * just handled here, a retry falls due, the last round found work), otherwise once per `idleLookMs`
 * to pick up what other instances left (an expired lease, a retry they scheduled). This keeps an
 * idle service from committing a claim statement every tick.
 */
/** Time a handler's transaction may still take to commit after its hint. */
const commitMarginMs = 50;

export class WorkSignal {
  private hotUntil = 0;
  private wakeAt = Number.POSITIVE_INFINITY;
  private lastLook = Number.NEGATIVE_INFINITY;
  private lastHint = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly idleLookMs: number,
    private readonly hotMs = 300,
    private readonly now: () => number = Date.now,
  ) {}

  /** Work was just committed (or is about to be): look at every tick for a while. */
  expect(): void {
    this.lastHint = this.now();
    this.hotUntil = this.lastHint + this.hotMs;
  }

  /**
   * The worker emptied the queue with a round that started at `since`: stop looking at every tick,
   * unless a hint came in too close to that round for its work to have been committed and seen.
   */
  drained(since: number): void {
    if (this.lastHint < since - commitMarginMs) this.hotUntil = 0;
  }

  /** Work falls due at `at`. */
  expectAt(at: Date): void {
    this.wakeAt = Math.min(this.wakeAt, at.getTime());
  }

  shouldLook(): boolean {
    const t = this.now();
    if (this.wakeAt <= t) {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.hotUntil = Math.max(this.hotUntil, t + this.hotMs);
    }
    if (t < this.hotUntil || t - this.lastLook >= this.idleLookMs) {
      this.lastLook = t;
      return true;
    }
    return false;
  }
}
