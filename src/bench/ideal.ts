/**
 * The latency-bound ideal: how long a backlog would take if the program cost nothing but the
 * waits of the services it calls. Pure arithmetic, so it is unit-tested.
 */

/** One kind of request a call makes, one after another with its others. */
export interface RequestKind {
  name: string;
  /** Requests of this kind one call makes (measured: the service's count over the calls). */
  perCall: number;
  /** What each one waits, in ms. */
  latencyMs: number;
  /** The program's cap on these in flight at once (e.g. Deepgram 5, Zoho Desk 5); none when unlimited. */
  maxParallel?: number | null;
}

export interface IdealInput {
  calls: number;
  concurrency: number;
  kinds: readonly RequestKind[];
  /** Waits paid once per run, not per call (listing pages, a token refresh). */
  fixedMs: number;
}

export interface Ideal {
  /** One call's requests end to end: Σ perCall × latency. */
  criticalPathMs: number;
  /** calls × critical path / concurrency. */
  latencyBoundMs: number;
  /** The slowest service cap: calls × perCall × latency / min(cap, concurrency), when that exceeds the latency bound. */
  capBound: { name: string; ms: number } | null;
  /** max(latency bound, cap bounds) + fixed. */
  idealMs: number;
}

export function criticalPathMs(kinds: readonly RequestKind[]): number {
  return kinds.reduce((sum, k) => sum + k.perCall * k.latencyMs, 0);
}

export function idealTime(input: IdealInput): Ideal {
  if (input.calls < 0 || input.concurrency < 1) throw new Error("calls must be ≥ 0 and concurrency ≥ 1");
  const path = criticalPathMs(input.kinds);
  const latencyBoundMs = (input.calls * path) / input.concurrency;
  let capBound: Ideal["capBound"] = null;
  for (const kind of input.kinds) {
    if (!kind.maxParallel) continue;
    const lanes = Math.min(kind.maxParallel, input.concurrency);
    const ms = (input.calls * kind.perCall * kind.latencyMs) / lanes;
    if (ms > latencyBoundMs && (!capBound || ms > capBound.ms)) capBound = { name: kind.name, ms };
  }
  const bound = Math.max(latencyBoundMs, capBound?.ms ?? 0);
  return { criticalPathMs: path, latencyBoundMs, capBound, idealMs: bound + input.fixedMs };
}
