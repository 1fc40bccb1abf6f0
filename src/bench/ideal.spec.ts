import { describe, expect, it } from "vitest";
import { criticalPathMs, idealTime, type RequestKind } from "./ideal.js";

const KINDS: RequestKind[] = [
  { name: "recording", perCall: 1, latencyMs: 200 },
  { name: "deepgram", perCall: 1, latencyMs: 400, maxParallel: 5 },
  { name: "openai", perCall: 1, latencyMs: 200 },
  { name: "zoho", perCall: 5, latencyMs: 50, maxParallel: 5 },
];

describe("idealTime", () => {
  it("sums one call's requests into its critical path", () => {
    expect(criticalPathMs(KINDS)).toBe(1050);
  });

  it("divides the backlog's critical paths by the concurrency and adds the fixed waits", () => {
    const ideal = idealTime({ calls: 120, concurrency: 8, kinds: KINDS, fixedMs: 150 });
    expect(ideal.latencyBoundMs).toBe((120 * 1050) / 8);
    expect(ideal.capBound).toBeNull();
    expect(ideal.idealMs).toBe(15_750 + 150);
  });

  it("is one call after another at concurrency 1", () => {
    expect(idealTime({ calls: 10, concurrency: 1, kinds: KINDS, fixedMs: 0 }).idealMs).toBe(10_500);
  });

  it("is bound by a service's parallel cap when that is tighter than the concurrency", () => {
    const slowDeepgram = KINDS.map((k) => (k.name === "deepgram" ? { ...k, latencyMs: 4000 } : k));
    const ideal = idealTime({ calls: 100, concurrency: 16, kinds: slowDeepgram, fixedMs: 0 });
    // 100 × 4 s over 5 lanes = 80 s, more than 100 × 4.65 s / 16 ≈ 29 s.
    expect(ideal.capBound).toEqual({ name: "deepgram", ms: 80_000 });
    expect(ideal.idealMs).toBe(80_000);
  });

  it("counts fractional requests per call (measured averages)", () => {
    expect(criticalPathMs([{ name: "zoho", perCall: 4.5, latencyMs: 50 }])).toBe(225);
  });

  it("refuses a concurrency below 1", () => {
    expect(() => idealTime({ calls: 1, concurrency: 0, kinds: KINDS, fixedMs: 0 })).toThrow();
  });
});
