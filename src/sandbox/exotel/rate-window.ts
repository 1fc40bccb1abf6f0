/**
 * Exotel allows 200 API requests a minute per account (exotel.md §7). A sliding window over the
 * requests it accepted: a client that backs off after a 429 gets back in as old requests age out.
 */
export class SlidingWindow {
  private readonly accepted: number[] = [];

  constructor(
    public limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Records the request and returns true, or returns false when the window is full. */
  tryTake(now: number): boolean {
    while (this.accepted.length > 0 && this.accepted[0]! <= now - this.windowMs) this.accepted.shift();
    if (this.accepted.length >= this.limit) return false;
    this.accepted.push(now);
    return true;
  }

  reset(): void {
    this.accepted.length = 0;
  }
}
