import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { peakMemoryBytes } from "./peak-memory.js";

const STATUS = "Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  131072 kB\nVmRSS:\t   98304 kB\n";

describe("peakMemoryBytes", () => {
  it("reads the process's own high-water mark from /proc/self/status", () => {
    expect(peakMemoryBytes(STATUS)).toBe(131072 * 1024);
  });

  it("falls back to getrusage's figure where there is no /proc", () => {
    expect(peakMemoryBytes(null)).toBe(process.resourceUsage().maxRSS * 1024);
  });

  it.runIf(process.platform === "linux")("counts a child's own memory, not the larger parent it was forked from", () => {
    // Hold 300 MB, touched, while a small child starts: getrusage in the child reports it, VmHWM does not.
    const held = Buffer.alloc(300 * 1024 * 1024, 1);
    // The built module (`npm test` builds first): the child is plain Node.
    const module = fileURLToPath(new URL("../../dist/lib/peak-memory.js", import.meta.url));
    const script = `import { peakMemoryBytes } from ${JSON.stringify(module)}; console.log(JSON.stringify({ own: peakMemoryBytes(), rusage: process.resourceUsage().maxRSS * 1024 }))`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    const { own, rusage } = JSON.parse(out) as { own: number; rusage: number };
    expect(held.length).toBeGreaterThan(0);
    expect(rusage).toBeGreaterThan(250 * 1024 * 1024);
    expect(own).toBeLessThan(150 * 1024 * 1024);
  });
});
