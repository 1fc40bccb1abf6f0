import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { RateLimitedError } from "./errors.js";
import { ServiceLimiter } from "./limiter.js";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("ServiceLimiter", () => {
  it("never has more than maxParallel requests in flight, and starts waiting ones in order", async () => {
    const limiter = new ServiceLimiter({ maxParallel: 2 });
    const gates = Array.from({ length: 5 }, () => deferred());
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await gate.promise;
        inFlight -= 1;
        return i;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect(limiter.inFlight).toBe(2);

    gates[1]!.resolve();
    await settle();
    expect(started).toEqual([0, 1, 2]);
    expect(limiter.inFlight).toBe(2);

    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(limiter.inFlight).toBe(0);
  });

  it("frees the slot of a request that fails", async () => {
    const limiter = new ServiceLimiter({ maxParallel: 1 });
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(limiter.inFlight).toBe(0);
    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("runs everything at once without a maxParallel", async () => {
    const limiter = new ServiceLimiter();
    const gate = deferred();
    const runs = Array.from({ length: 20 }, () => limiter.run(() => gate.promise));
    await settle();
    expect(limiter.inFlight).toBe(20);
    gate.resolve();
    await Promise.all(runs);
    expect(limiter.inFlight).toBe(0);
  });

  it("starts no more than perMinute requests in any 60 seconds", async () => {
    let clock = 0;
    const limiter = new ServiceLimiter({ perMinute: 2, now: () => clock });
    await limiter.run(async () => undefined);
    clock = 59_990;
    await limiter.run(async () => undefined);

    clock = 59_995;
    let started = false;
    const third = limiter.run(async () => {
      started = true;
    });
    await sleep(20);
    expect(started).toBe(false);

    clock = 60_001;
    await third;
    expect(started).toBe(true);
  });

  it("counts the budget over a rolling minute", async () => {
    let clock = 0;
    const limiter = new ServiceLimiter({ perMinute: 2, now: () => clock });
    await limiter.run(async () => undefined);
    await limiter.run(async () => undefined);
    clock = 60_000;
    let started = false;
    await limiter.run(async () => {
      started = true;
    });
    expect(started).toBe(true);
  });

  it("holds every new request back for pauseFor", async () => {
    const limiter = new ServiceLimiter({ maxParallel: 4 });
    limiter.pauseFor(60);
    limiter.pauseFor(10);
    const begin = Date.now();
    const waits = await Promise.all([1, 2, 3].map(() => limiter.run(async () => Date.now() - begin)));
    for (const waited of waits) expect(waited).toBeGreaterThanOrEqual(55);
  });

  it("does not hold back requests once the pause is over", async () => {
    let clock = 1_000;
    const limiter = new ServiceLimiter({ now: () => clock });
    limiter.pauseFor(5_000);
    clock = 6_000;
    const begin = Date.now();
    await limiter.run(async () => undefined);
    expect(Date.now() - begin).toBeLessThan(50);
  });

  it("backs off for longer than it waits out, so requests are turned away meanwhile", async () => {
    const now = 5_000;
    const onLongPause = vi.fn();
    const limiter = new ServiceLimiter({ service: "zoho-desk", maxPauseWaitMs: 60_000, onLongPause, now: () => now });
    limiter.backOff(1_000);
    expect(onLongPause).toHaveBeenCalledWith(new Date(now + 60_001));
    await expect(limiter.run(async () => "sent")).rejects.toBeInstanceOf(RateLimitedError);
  });

  it("backs off for just the time asked without a maxPauseWaitMs", async () => {
    const limiter = new ServiceLimiter({ service: "zoho-desk" });
    limiter.backOff(30);
    const begin = Date.now();
    expect(await limiter.run(async () => "sent")).toBe("sent");
    expect(Date.now() - begin).toBeGreaterThanOrEqual(25);
  });

  it("turns requests away at once while a pause longer than maxPauseWaitMs lasts, and says so once", async () => {
    // A clock that runs, from a start the test can move.
    let start = 1_000_000;
    const began = Date.now();
    const onLongPause = vi.fn();
    const limiter = new ServiceLimiter({ service: "deepgram", maxPauseWaitMs: 60_000, onLongPause, now: () => start + (Date.now() - began) });
    const task = vi.fn(async () => "sent");
    limiter.pauseFor(30_000);
    expect(onLongPause).not.toHaveBeenCalled();
    limiter.pauseFor(120_000);
    limiter.pauseFor(90_000);
    expect(onLongPause).toHaveBeenCalledTimes(1);
    const pausedUntil = (onLongPause.mock.calls[0]![0] as Date).getTime();
    expect(pausedUntil - start).toBeGreaterThanOrEqual(120_000);
    expect(pausedUntil - start).toBeLessThan(121_000);

    const error = await limiter.run(task).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toMatch(/^Deepgram keeps answering 429/);
    expect(task).not.toHaveBeenCalled();
    expect(limiter.inFlight).toBe(0);

    // Once the rest of the pause is short enough to wait out, requests wait instead.
    start = pausedUntil - 20 - (Date.now() - began);
    const waitedFrom = Date.now();
    expect(await limiter.run(task)).toBe("sent");
    expect(Date.now() - waitedFrom).toBeGreaterThanOrEqual(15);
  });
});
