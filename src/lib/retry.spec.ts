import { describe, expect, it, vi } from "vitest";
import { DeferredError, InterruptedError, RateLimitedError, ServiceError, type ServiceErrorDetails } from "./errors.js";
import { ServiceLimiter } from "./limiter.js";
import { backoffDelay, defaultRetryPolicy, isRetryable, withRetries, type RetryPolicy } from "./retry.js";

const POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 200 };

function failure(details: Partial<ServiceErrorDetails> = {}): ServiceError {
  return new ServiceError("request failed", { service: "zoho-desk", operation: "create ticket", status: 503, transient: true, ...details });
}

/** An operation that throws the given errors in turn, then answers "ok". */
function failing(...errors: unknown[]) {
  return vi.fn(async () => {
    const next = errors.shift();
    if (next !== undefined) throw next;
    return "ok";
  });
}

describe("withRetries", () => {
  it("retries transient errors until the operation succeeds", async () => {
    const operation = failing(failure(), failure({ status: null, code: "ECONNRESET" }));
    const onRetry = vi.fn();
    expect(await withRetries(operation, { policy: POLICY, idempotent: true, onRetry })).toBe("ok");
    expect(operation).toHaveBeenCalledTimes(3);
    expect(onRetry.mock.calls.map(([, , retry]) => retry)).toEqual([1, 2]);
  });

  it("gives up after the policy's attempts with the last error", async () => {
    const last = failure({ status: 502 });
    const operation = failing(failure(), failure(), failure(), last, failure());
    await expect(withRetries(operation, { policy: POLICY, idempotent: true })).rejects.toBe(last);
    expect(operation).toHaveBeenCalledTimes(4);
  });

  it("does not retry a permanent error", async () => {
    const permanent = failure({ status: 400, transient: false });
    const operation = failing(permanent);
    await expect(withRetries(operation, { policy: POLICY, idempotent: true })).rejects.toBe(permanent);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("does not retry an error that is not a service error", async () => {
    const bug = new TypeError("undefined is not a function");
    const operation = failing(bug);
    await expect(withRetries(operation, { policy: POLICY, idempotent: true })).rejects.toBe(bug);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("does not resend a write that may have been applied", async () => {
    const timeout = failure({ status: null, code: "ETIMEDOUT", maybeApplied: true });
    const operation = failing(timeout);
    await expect(withRetries(operation, { policy: POLICY, idempotent: false })).rejects.toBe(timeout);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("resends a write that certainly did not happen", async () => {
    const operation = failing(failure({ status: 429, maybeApplied: false }));
    expect(await withRetries(operation, { policy: POLICY, idempotent: false })).toBe("ok");
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it("resends an idempotent request even if it may have been applied", async () => {
    const operation = failing(failure({ status: null, maybeApplied: true }));
    expect(await withRetries(operation, { policy: POLICY, idempotent: true })).toBe("ok");
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it("waits as long as the service's Retry-After asks", async () => {
    const operation = failing(failure({ status: 429, retryAfterMs: 40 }));
    const onRetry = vi.fn();
    const begin = Date.now();
    expect(await withRetries(operation, { policy: POLICY, idempotent: true, onRetry })).toBe("ok");
    expect(Date.now() - begin).toBeGreaterThanOrEqual(35);
    expect(onRetry).toHaveBeenCalledWith(expect.any(ServiceError), 40, 1);
  });

  it("leaves a Retry-After longer than the cap to a later cycle, pausing the service for all of it", async () => {
    const limiter = new ServiceLimiter();
    const backOff = vi.spyOn(limiter, "backOff");
    const operation = failing(failure({ status: 429, retryAfterMs: 201 }));
    const error = await withRetries(operation, { policy: POLICY, idempotent: true, limiter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ service: "zoho-desk", kind: "blocked" });
    expect(operation).toHaveBeenCalledTimes(1);
    expect(backOff).toHaveBeenCalledWith(201);
  });

  it("defers the work, rather than failing it, when the last try is answered 429 too", async () => {
    const limiter = new ServiceLimiter();
    const pauseFor = vi.spyOn(limiter, "pauseFor");
    const backOff = vi.spyOn(limiter, "backOff");
    const operation = failing(...Array.from({ length: 4 }, () => failure({ status: 429, retryAfterMs: 1 })));
    const error = await withRetries(operation, { policy: POLICY, idempotent: false, limiter }).catch((e: unknown) => e);
    // A deferral, so the call spends none of its attempts on being throttled.
    expect(error).toBeInstanceOf(DeferredError);
    expect((error as Error).message).toBe("Zoho Desk keeps answering 429 (too many requests): requests to it pause, and the work waits for a later cycle");
    expect(operation).toHaveBeenCalledTimes(4);
    expect(pauseFor.mock.calls.slice(0, 3)).toEqual([[1], [1], [1]]);
    expect(backOff).toHaveBeenCalledExactlyOnceWith(1);
  });

  it("gives up on other errors with a Retry-After beyond the cap with the error itself", async () => {
    const unavailable = failure({ status: 503, retryAfterMs: 201 });
    await expect(withRetries(failing(unavailable), { policy: POLICY, idempotent: true })).rejects.toBe(unavailable);
  });

  it("honours a Retry-After exactly at the cap", async () => {
    const operation = failing(failure({ status: 429, retryAfterMs: 20 }));
    expect(await withRetries(operation, { policy: { ...POLICY, maxRetryAfterMs: 20 }, idempotent: true })).toBe("ok");
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it("pauses the whole service on a 429", async () => {
    const limiter = new ServiceLimiter();
    const pauseFor = vi.spyOn(limiter, "pauseFor");
    await withRetries(failing(failure({ status: 429, retryAfterMs: 5 })), { policy: POLICY, idempotent: true, limiter });
    expect(pauseFor).toHaveBeenCalledWith(5);
  });

  it("does not pause the service for other transient errors", async () => {
    const limiter = new ServiceLimiter();
    const pauseFor = vi.spyOn(limiter, "pauseFor");
    await withRetries(failing(failure({ status: 503 })), { policy: POLICY, idempotent: true, limiter });
    expect(pauseFor).not.toHaveBeenCalled();
  });

  it("ends a wait before a retry as soon as the program is stopping, without trying again", async () => {
    const stop = new AbortController();
    const operation = failing(failure({ retryAfterMs: 60_000 }));
    const policy = { ...POLICY, maxRetryAfterMs: 120_000, stopping: stop.signal };
    const waiting = withRetries(operation, { policy, idempotent: true, onRetry: () => stop.abort() });
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
    await expect(waiting).rejects.toThrow("the program is stopping: no longer waiting to try Zoho Desk again");
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it("backs off within the policy's delays", async () => {
    const onRetry = vi.fn();
    await withRetries(failing(failure(), failure(), failure()), { policy: { ...POLICY, baseDelayMs: 2, maxDelayMs: 5 }, idempotent: true, onRetry });
    const delays = onRetry.mock.calls.map(([, delay]) => delay as number);
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(1);
    expect(delays[0]).toBeLessThanOrEqual(2);
    expect(delays[2]).toBeGreaterThanOrEqual(3);
    expect(delays[2]).toBeLessThanOrEqual(5);
  });
});

describe("backoffDelay", () => {
  const policy: RetryPolicy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 };

  it.each([
    [1, 0, 50],
    [1, 1, 100],
    [2, 1, 200],
    [3, 0.5, 300],
    [4, 1, 800],
    [5, 1, 1_000],
    [10, 0, 500],
  ])("waits for retry %i with random %s: %i ms", (retry, random, expected) => {
    expect(backoffDelay(policy, retry, () => random)).toBe(expected);
  });
});

describe("isRetryable", () => {
  it.each([
    ["a transient read", true, failure(), true],
    ["a transient write that certainly failed", true, failure({ maybeApplied: false }), false],
    ["a transient write that may have been applied", false, failure({ maybeApplied: true }), false],
    ["an idempotent request that may have been applied", true, failure({ maybeApplied: true }), true],
    ["a permanent error", false, failure({ transient: false }), true],
    ["a plain Error", false, new Error("x"), true],
  ])("treats %s as retryable: %s", (_label, expected, error, idempotent) => {
    expect(isRetryable(error, idempotent)).toBe(expected);
  });
});

describe("defaultRetryPolicy", () => {
  it("tries four times, backs off up to 30 base delays and honours Retry-After up to a minute", () => {
    expect(defaultRetryPolicy(1_000)).toEqual({ attempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000, maxRetryAfterMs: 60_000 });
  });
});
