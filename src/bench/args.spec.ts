import { describe, expect, it } from "vitest";
import { parseBenchArgs } from "./args.js";
import { markdownTable } from "./table.js";

describe("bench arguments", () => {
  it("defaults to 120 calls at concurrency 1, 4 and 8 with every run", () => {
    expect(parseBenchArgs([])).toMatchObject({ calls: 120, concurrencies: [1, 4, 8], memoryCalls: 1000, memoryRecordingBytes: 5 * 1024 * 1024, skipMemory: false, skipState: false, skipWarm: false, out: null });
  });

  it("reads the options", () => {
    expect(parseBenchArgs(["--calls", "40", "--concurrency", "1,8", "--skip-memory", "--skip-state", "--skip-warm", "--out", "r.md"])).toMatchObject({
      calls: 40,
      concurrencies: [1, 8],
      skipMemory: true,
      skipState: true,
      skipWarm: true,
      out: "r.md",
    });
  });

  it("refuses what it does not know or cannot count", () => {
    expect(() => parseBenchArgs(["--calls", "0"])).toThrow(/--calls/);
    expect(() => parseBenchArgs(["--fast"])).toThrow(/unknown option/);
  });
});

describe("markdownTable", () => {
  it("writes a header, a rule and rows, escaping pipes", () => {
    expect(markdownTable(["a", "b"], [["1", "x|y"]])).toBe("| a | b |\n|---|---|\n| 1 | x\\|y |");
  });
});
