import { setTimeout as sleep } from "node:timers/promises";
import { RateLimitedError, type ServiceName } from "./errors.js";

export interface LimiterOptions {
  /** Requests allowed in flight at once (Zoho Desk's concurrency cap, Deepgram's per-project limit). */
  maxParallel?: number;
  /** Requests allowed to start in any 60-second window (Exotel's per-account budget). */
  perMinute?: number;
  now?: () => number;
  /** The service behind the gate, named in the error that turns a request away during a long pause. */
  service?: ServiceName;
  /**
   * A 429 pause ending further away than this is not waited out: requests are turned away with a
   * RateLimitedError at once, so no call holds a slot, and no poll stands still, for minutes.
   */
  maxPauseWaitMs?: number;
  /** Told once when such a long pause begins (for the log). */
  onLongPause?: (until: Date) => void;
}

/**
 * One shared gate per outside service: every request of every call passes through it, so the
 * whole process stays inside the service's limits, and a 429 pauses everyone, not just the
 * request that saw it.
 */
export class ServiceLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Every caller waits until `ms` from now before starting a new request. */
  pauseFor(ms: number): void {
    const now = this.now();
    const wasLong = this.isLongPause(now);
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    if (!wasLong && this.isLongPause(now)) this.options.onLongPause?.(new Date(this.pausedUntil));
  }

  /**
   * After a 429 the retries could not wait out: a pause of at least `ms`, and long enough that
   * requests are turned away meanwhile rather than queued, so the service is left alone for a
   * while instead of being knocked on by every call in turn.
   */
  backOff(ms: number): void {
    const turnAwayAfter = this.options.maxPauseWaitMs;
    this.pauseFor(turnAwayAfter === undefined ? ms : Math.max(ms, turnAwayAfter + 1));
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    this.turnAwayDuringLongPause();
    await this.acquireSlot();
    try {
      await this.waitForBudget();
      return await task();
    } finally {
      this.releaseSlot();
    }
  }

  private isLongPause(now: number): boolean {
    return this.pausedUntil - now > (this.options.maxPauseWaitMs ?? Infinity);
  }

  private turnAwayDuringLongPause(): void {
    if (this.options.service && this.isLongPause(this.now())) throw new RateLimitedError(this.options.service);
  }

  private async acquireSlot(): Promise<void> {
    const max = this.options.maxParallel ?? Infinity;
    if (this.active < max) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  private async waitForBudget(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      const perMinute = this.options.perMinute;
      if (perMinute !== undefined) {
        while (this.starts.length > 0 && this.starts[0]! <= now - 60_000) this.starts.shift();
        if (this.starts.length >= perMinute) {
          await sleep(this.starts[0]! + 60_000 - now + 1);
          continue;
        }
        this.starts.push(now);
      }
      return;
    }
  }
}
