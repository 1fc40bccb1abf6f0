import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import { InterruptedError, RateLimitedError } from "./errors.js";
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

  it("backs off for at least as long as it waits out, turning requests away for all of it", async () => {
    const onLongPause = vi.fn();
    const limiter = new ServiceLimiter({ service: "zoho-desk", maxPauseWaitMs: 300, onLongPause });
    const task = vi.fn(async () => "sent");
    const begin = Date.now();
    limiter.backOff(5);
    expect(onLongPause).toHaveBeenCalledTimes(1);
    expect((onLongPause.mock.calls[0]![0] as Date).getTime() - begin).toBeGreaterThanOrEqual(300);
    await sleep(50);
    // Well past the 5 ms asked for: still turned away, not queued.
    await expect(limiter.run(task)).rejects.toBeInstanceOf(RateLimitedError);
    await sleep(300);
    expect(await limiter.run(task)).toBe("sent");
    expect(task).toHaveBeenCalledTimes(1);
  });

  it("backs off for just the time asked without a maxPauseWaitMs", async () => {
    const limiter = new ServiceLimiter({ service: "zoho-desk" });
    limiter.backOff(30);
    const begin = Date.now();
    expect(await limiter.run(async () => "sent")).toBe("sent");
    expect(Date.now() - begin).toBeGreaterThanOrEqual(25);
  });

  it("turns requests away for all of a pause longer than maxPauseWaitMs, and says so once", async () => {
    const onLongPause = vi.fn();
    const limiter = new ServiceLimiter({ service: "deepgram", maxPauseWaitMs: 100, onLongPause });
    const task = vi.fn(async () => "sent");
    limiter.pauseFor(50);
    expect(onLongPause).not.toHaveBeenCalled();
    limiter.pauseFor(400);
    limiter.pauseFor(300);
    expect(onLongPause).toHaveBeenCalledTimes(1);

    const error = await limiter.run(task).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toMatch(/^Deepgram keeps answering 429/);
    await sleep(320);
    // Less than maxPauseWaitMs is left, yet the pause asked for was a long one: still turned away.
    await expect(limiter.run(task)).rejects.toBeInstanceOf(RateLimitedError);
    expect(task).not.toHaveBeenCalled();
    expect(limiter.inFlight).toBe(0);
  });

  it("waits out a pause no longer than maxPauseWaitMs", async () => {
    const limiter = new ServiceLimiter({ service: "deepgram", maxPauseWaitMs: 100 });
    limiter.pauseFor(40);
    const begin = Date.now();
    expect(await limiter.run(async () => "sent")).toBe("sent");
    expect(Date.now() - begin).toBeGreaterThanOrEqual(35);
  });

  it("turns away a request that was already queued when a long pause began, freeing its slot", async () => {
    const limiter = new ServiceLimiter({ service: "deepgram", maxParallel: 1, maxPauseWaitMs: 100 });
    const gate = deferred();
    const first = limiter.run(() => gate.promise);
    const queued = limiter.run(async () => "sent");
    await settle();
    limiter.backOff(2_000);
    gate.resolve();
    await first;
    const begin = Date.now();
    await expect(queued).rejects.toBeInstanceOf(RateLimitedError);
    expect(Date.now() - begin).toBeLessThan(100);
    expect(limiter.inFlight).toBe(0);
  });

  it("turns away a request sleeping out a short pause once a long one begins", async () => {
    const limiter = new ServiceLimiter({ service: "exotel", maxPauseWaitMs: 100 });
    limiter.pauseFor(60);
    const sleeping = limiter.run(async () => "sent");
    await settle();
    limiter.backOff(2_000);
    const begin = Date.now();
    await expect(sleeping).rejects.toBeInstanceOf(RateLimitedError);
    expect(Date.now() - begin).toBeLessThan(200);
  });

  describe("when the program is stopping", () => {
    it("ends a wait for a slot, and hands the freed slot to the next request still waiting", async () => {
      const stop = new AbortController();
      const limiter = new ServiceLimiter({ maxParallel: 1, service: "deepgram", stopping: stop.signal });
      const first = deferred();
      const running = limiter.run(() => first.promise);
      const givesUp = limiter.run(async () => "sent");
      await settle();
      stop.abort();
      await expect(givesUp).rejects.toBeInstanceOf(InterruptedError);
      await expect(givesUp).rejects.toThrow("the program is stopping: no longer waiting for a free slot at Deepgram");
      first.resolve();
      await running;
      expect(limiter.inFlight).toBe(0);
      // A request that needs no wait still goes out: the steps under way may finish.
      expect(await limiter.run(async () => "sent")).toBe("sent");
      expect(limiter.inFlight).toBe(0);
    });

    it("refuses to queue a request for a slot once stopping", async () => {
      const stop = new AbortController();
      const limiter = new ServiceLimiter({ maxParallel: 1, stopping: stop.signal });
      const first = deferred();
      const running = limiter.run(() => first.promise);
      stop.abort();
      await expect(limiter.run(async () => "sent")).rejects.toBeInstanceOf(InterruptedError);
      first.resolve();
      await running;
      expect(limiter.inFlight).toBe(0);
    });

    it("ends a wait for a 429 pause, freeing the slot", async () => {
      const stop = new AbortController();
      const limiter = new ServiceLimiter({ maxParallel: 1, service: "zoho-desk", stopping: stop.signal });
      limiter.pauseFor(60_000);
      const waiting = limiter.run(async () => "sent");
      await settle();
      stop.abort();
      await expect(waiting).rejects.toThrow("no longer waiting for a 429 pause to end at Zoho Desk");
      expect(limiter.inFlight).toBe(0);
    });

    it("ends a wait for the per-minute budget", async () => {
      const stop = new AbortController();
      const task = vi.fn(async () => "sent");
      const limiter = new ServiceLimiter({ perMinute: 1, service: "exotel", stopping: stop.signal });
      await limiter.run(task);
      const waiting = limiter.run(task);
      await settle();
      stop.abort();
      await expect(waiting).rejects.toThrow("no longer waiting for the per-minute budget at Exotel");
      expect(task).toHaveBeenCalledTimes(1);
    });
  });
});
