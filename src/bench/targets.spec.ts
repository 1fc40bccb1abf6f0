import { describe, expect, it } from "vitest";
import { mean, median, ratio } from "./targets.js";

describe("bench arithmetic", () => {
  it("averages and takes the middle", () => {
    expect(mean([1, 2, 6])).toBe(3);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([])).toBeNaN();
  });

  it("gives no ratio against nothing", () => {
    expect(ratio(6, 2)).toBe(3);
    expect(ratio(1, 0)).toBeNaN();
  });
});
