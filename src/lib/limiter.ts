import { setTimeout as sleep } from "node:timers/promises";
import { InterruptedError, RateLimitedError, serviceLabel, type ServiceName } from "./errors.js";

export interface LimiterOptions {
  /** Requests allowed in flight at once (Zoho Desk's concurrency cap, Deepgram's per-project limit). */
  maxParallel?: number;
  /** Requests allowed to start in any 60-second window (Exotel's per-account budget). */
  perMinute?: number;
  now?: () => number;
  /** The service behind the gate, named in the error that turns a request away. */
  service?: ServiceName;
  /**
   * A 429 pause longer than this is not waited out: for all of it, requests are turned away with
   * a RateLimitedError (their calls wait for a later poll), so no call holds a slot, and no poll
   * stands still, for minutes. Without it (or without `service`) every pause is waited out.
   */
  maxPauseWaitMs?: number;
  /** Told when requests begin to be turned away (for the log). */
  onLongPause?: (until: Date) => void;
  /**
   * When this aborts (the program is stopping), requests waiting for a slot, a pause's end or the
   * budget stop waiting, with an InterruptedError. Requests that need no wait still go out, so
   * the steps under way can finish.
   */
  stopping?: AbortSignal;
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
  /** No request starts before this. */
  private pausedUntil = 0;
  /** Requests are turned away until this. */
  private turnAwayUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: LimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Every caller waits until `ms` from now before starting a new request; a long pause turns them away instead. */
  pauseFor(ms: number): void {
    const until = this.now() + ms;
    this.pausedUntil = Math.max(this.pausedUntil, until);
    if (ms > (this.options.maxPauseWaitMs ?? Infinity)) this.turnAwayTill(until);
  }

  /**
   * After a 429 the retries could not wait out: a pause of at least `ms`, and at least as long as
   * a pause that is waited out, during which requests are turned away rather than queued. The
   * service is left alone for a while instead of being knocked on by every call in turn.
   */
  backOff(ms: number): void {
    const turnAwayFor = this.options.maxPauseWaitMs;
    if (turnAwayFor === undefined) return this.pauseFor(ms);
    const until = this.now() + Math.max(ms, turnAwayFor);
    this.pausedUntil = Math.max(this.pausedUntil, until);
    this.turnAwayTill(until);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    this.refuseWhileTurningAway();
    await this.acquireSlot();
    try {
      await this.waitForBudget();
      return await task();
    } finally {
      this.releaseSlot();
    }
  }

  private turnAwayTill(until: number): void {
    if (!this.options.service) return;
    const already = this.now() < this.turnAwayUntil;
    this.turnAwayUntil = Math.max(this.turnAwayUntil, until);
    if (!already) this.options.onLongPause?.(new Date(this.turnAwayUntil));
  }

  /** Also checked by requests already queued when the turning away began, each time they wake. */
  private refuseWhileTurningAway(): void {
    if (this.options.service && this.now() < this.turnAwayUntil) throw new RateLimitedError(this.options.service);
  }

  private async acquireSlot(): Promise<void> {
    const max = this.options.maxParallel ?? Infinity;
    if (this.active < max) {
      this.active += 1;
      return;
    }
    const stopping = this.options.stopping;
    if (stopping?.aborted) throw this.interrupted("for a free slot");
    await new Promise<void>((resolve, reject) => {
      // releaseSlot hands its slot straight to the first waiter; a waiter that gave up is no longer there to take it.
      const take = () => {
        stopping?.removeEventListener("abort", giveUp);
        resolve();
      };
      const giveUp = () => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(this.interrupted("for a free slot"));
      };
      stopping?.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(take);
    });
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }

  private async waitForBudget(): Promise<void> {
    for (;;) {
      this.refuseWhileTurningAway();
      const now = this.now();
      if (now < this.pausedUntil) {
        await this.sleep(this.pausedUntil - now, "for a 429 pause to end");
        continue;
      }
      const perMinute = this.options.perMinute;
      if (perMinute !== undefined) {
        while (this.starts.length > 0 && this.starts[0]! <= now - 60_000) this.starts.shift();
        if (this.starts.length >= perMinute) {
          await this.sleep(this.starts[0]! + 60_000 - now + 1, "for the per-minute budget");
          continue;
        }
        this.starts.push(now);
      }
      return;
    }
  }

  private sleep(ms: number, what: string): Promise<void> {
    return sleep(ms, undefined, { signal: this.options.stopping }).catch(() => {
      throw this.interrupted(what);
    });
  }

  private interrupted(what: string): InterruptedError {
    return new InterruptedError(`${what}${this.options.service ? ` at ${serviceLabel(this.options.service)}` : ""}`);
  }
}
