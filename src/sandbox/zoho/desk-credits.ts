const DAY_MS = 24 * 60 * 60_000;

/**
 * The portal's daily API credit pool (zoho-desk.md §9): every call spends its weight, the pool
 * refills at midnight (UTC here), and an empty pool answers THRESHOLD_EXCEEDED.
 */
export class CreditPool {
  private day: number;
  private left: number;

  constructor(
    private readonly now: () => number,
    public daily: number,
  ) {
    this.day = Math.floor(now() / DAY_MS);
    this.left = daily;
  }

  get remaining(): number {
    this.refill();
    return this.left;
  }

  set remaining(value: number) {
    this.refill();
    this.left = Math.max(0, value);
  }

  /** Spends `weight` credits; false (nothing spent) when the pool is empty. */
  spend(weight: number): boolean {
    this.refill();
    if (this.left <= 0) return false;
    this.left = Math.max(0, this.left - weight);
    return true;
  }

  secondsUntilRefill(): number {
    return Math.max(1, Math.ceil(((this.day + 1) * DAY_MS - this.now()) / 1000));
  }

  private refill(): void {
    const today = Math.floor(this.now() / DAY_MS);
    if (today !== this.day) {
      this.day = today;
      this.left = this.daily;
    }
  }
}
