import { describe, expect, it } from "vitest";
import { pollLines, resourceLine } from "./daemon-log.js";

const LOG = [
  "[2026-01-05 10:00:00] INFO: zoho-call-tickets started (pid 1): …",
  "[2026-01-05 10:00:12] INFO: Poll finished in 12.3 s (CPU 456 ms): 120 calls listed, 120 calls ticketed",
  "[2026-01-05 10:00:13] DEBUG: Poll finished in 0.2 s (CPU 9 ms): 1 call listed, 0 calls ticketed",
  "[2026-01-05 10:00:14] INFO: Poll finished in 1.0 s (CPU 30 ms): 5 calls listed, 1 call ticketed, 2 skipped",
  "[2026-01-05 10:00:15] INFO: Resource usage: CPU 1234 ms, peak memory 87 MB",
].join("\n");

describe("daemon log", () => {
  it("reads every poll's time, CPU and counts", () => {
    expect(pollLines(LOG)).toEqual([
      { seconds: 12.3, cpuMs: 456, listed: 120, ticketed: 120 },
      { seconds: 0.2, cpuMs: 9, listed: 1, ticketed: 0 },
      { seconds: 1, cpuMs: 30, listed: 5, ticketed: 1 },
    ]);
  });

  it("reads the resource usage at exit", () => {
    expect(resourceLine(LOG)).toEqual({ cpuMs: 1234, peakMemoryMb: 87 });
    expect(resourceLine("nothing")).toBeNull();
  });
});
