import { setTimeout as sleep } from "node:timers/promises";
import { InterruptedError, RateLimitedError, serviceLabel, ServiceError } from "./errors.js";
import type { ServiceLimiter } from "./limiter.js";

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A service's Retry-After is honoured up to this; beyond it the call is retried in a later cycle. */
  maxRetryAfterMs: number;
  /** When this aborts (the program is stopping), a wait before a retry ends at once with an InterruptedError. */
  stopping?: AbortSignal;
}

export function defaultRetryPolicy(baseDelayMs: number): RetryPolicy {
  return { attempts: 4, baseDelayMs, maxDelayMs: 30 * baseDelayMs, maxRetryAfterMs: 60_000 };
}

/** Exponential backoff with jitter: base·2ⁿ, scaled by a random 50–100 %. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/**
 * A request may be sent again when the failure is transient and, for writes, when it certainly
 * did not take effect (a 429 or a refused connection). A write that may have happened is left to
 * the caller, which looks for its result before writing again.
 */
export function isRetryable(error: unknown, idempotent: boolean): error is ServiceError {
  return error instanceof ServiceError && error.transient && (idempotent || !error.maybeApplied);
}

/** Told before each wait for a retry (the program logs it). */
export type RetryListener = (error: ServiceError, delayMs: number, retry: number) => void;

export interface RetryOptions {
  policy: RetryPolicy;
  idempotent: boolean;
  /** A 429 pauses every request to the service, not just this one. */
  limiter?: ServiceLimiter;
  onRetry?: RetryListener;
}

/**
 * Runs `operation`, trying again on transient failures. A 429 pauses every request to the service
 * (through `limiter`) whether or not this one is tried again; one the retries cannot wait out (the
 * last try, or a Retry-After beyond the policy's cap) becomes a RateLimitedError: the call waits
 * for a later cycle instead of spending one of its attempts.
 */
export async function withRetries<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error, options.idempotent)) throw error;
      const delay = error.retryAfterMs ?? backoffDelay(options.policy, attempt);
      const givingUp = attempt >= options.policy.attempts || (error.retryAfterMs !== null && error.retryAfterMs > options.policy.maxRetryAfterMs);
      if (givingUp && error.status === 429) {
        options.limiter?.backOff(delay);
        throw new RateLimitedError(error.service);
      }
      if (givingUp) throw error;
      if (error.status === 429) options.limiter?.pauseFor(delay);
      options.onRetry?.(error, delay, attempt);
      await sleep(delay, undefined, { signal: options.policy.stopping }).catch(() => {
        throw new InterruptedError(`to try ${serviceLabel(error.service)} again`);
      });
    }
  }
}
