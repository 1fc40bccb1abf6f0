import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.js";

describe("formatDuration", () => {
  it.each([
    [192, "3m 12s"],
    [0, "0s"],
    [59, "59s"],
    [60, "1m 0s"],
    [3600, "1h 0m 0s"],
    [3725, "1h 2m 5s"],
    [14_400, "4h 0m 0s"],
    [12.4, "12s"],
    [12.6, "13s"],
  ])("writes %s seconds as %s", (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it.each([
    ["null (not settled yet)", null],
    ["a negative number", -1],
    ["NaN", Number.NaN],
    ["infinity", Number.POSITIVE_INFINITY],
  ])("writes Unknown for %s", (_label, seconds) => {
    expect(formatDuration(seconds)).toBe("Unknown");
  });
});
