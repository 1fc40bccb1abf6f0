import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "./args.js";
import { renderReport, type BenchResults } from "./report.js";
import type { WarmRunResult } from "./warm-run.js";

function warm(recordingBytes: number, cpuMsPerCall: number): WarmRunResult {
  return {
    warmupCalls: 300,
    calls: 200,
    concurrency: 8,
    recordingBytes,
    ticketed: 200,
    polls: [{ seconds: 28.3, cpuMs: cpuMsPerCall * 200, listed: 500, ticketed: 200 }],
    cpuMsPerCall,
    peakRssMb: 131,
    peakDeskInFlight: 5,
  };
}

function results(warmRuns: WarmRunResult[]): BenchResults {
  return {
    machine: { cpu: "Test CPU", cores: 2, ramGb: 24, node: "v20.0.0", os: "Linux" },
    args: parseBenchArgs(["--skip-memory", "--skip-state"]),
    startedAt: new Date("2026-12-07T00:00:00Z"),
    throughput: [],
    memory: null,
    recordingSizes: [],
    warm: warmRuns,
    stateLoops: [],
    stateWrites: [],
  };
}

describe("the benchmark report's warmed-up runs", () => {
  it("checks each against the CPU target and counts its Zoho Desk peak", () => {
    const { markdown, allPassed } = renderReport(results([warm(16 * 1024, 19.1), warm(5 * 1024 * 1024, 30.7)]));
    expect(markdown).toContain("| CPU per call ≤ 20 ms (warmed-up daemon, concurrency 8, 200 × 16 KB after 300) | 19.1 ms (poll) | ✅ pass |");
    expect(markdown).toContain("| CPU per call ≤ 20 ms (warmed-up daemon, concurrency 8, 200 × 5.0 MB after 300) | 30.7 ms (poll) | ❌ FAIL |");
    expect(markdown).toContain("## Warmed up: the looping daemon after 300 calls");
    expect(markdown).toContain("peak 5 (sandbox count, every backlog run)");
    expect(allPassed).toBe(false);
  });

  it("leaves the section out when the runs were skipped", () => {
    const { markdown, allPassed } = renderReport(results([]));
    expect(markdown).not.toContain("Warmed up");
    expect(allPassed).toBe(true);
  });
});
