import { describe, expect, it } from "vitest";
import { parseArgs } from "./cli-args.js";

// 25 Nov 2026, 8:00 AM IST: six months back is 25 May; the earliest day read is 27 May.
const now = new Date("2026-11-25T02:30:00.000Z");

describe("parseArgs: backfill", () => {
  it("reads --since as the start of that day in IST", () => {
    expect(parseArgs(["backfill", "--since", "2026-11-01"], now)).toEqual({ name: "backfill", since: new Date("2026-10-31T18:30:00.000Z") });
  });

  it("accepts the earliest day Exotel still lists", () => {
    expect(parseArgs(["backfill", "--since", "2026-05-27"], now)).toMatchObject({ name: "backfill" });
  });

  it("refuses a day further back than Exotel keeps calls, naming the earliest day it can read", () => {
    expect(parseArgs(["backfill", "--since", "2026-05-26"], now)).toBe(
      "backfill --since 2026-05-26 is further back than Exotel keeps calls (six months): the earliest day it can read is 2026-05-27.",
    );
  });

  it("refuses a day in the future", () => {
    expect(parseArgs(["backfill", "--since", "2026-11-26"], now)).toBe("backfill --since must be a day in the past.");
  });

  it("refuses options and arguments it does not know", () => {
    expect(parseArgs(["backfill", "--since", "2026-11-01", "--bogus"], now)).toBe("Unknown option --bogus.");
    expect(parseArgs(["backfill", "2026-10-01", "--since", "2026-11-01"], now)).toBe("Unexpected argument 2026-10-01.");
  });
});
