import { describe, expect, it } from "vitest";
import { MAX_LOOKBACK_MS, MAX_WINDOW_MS, overlapMs, pollWindows } from "./windows.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date("2025-11-20T10:00:00.000Z");
const options = { overlapMs: 4 * HOUR + 15 * 60_000, firstRunLookbackMs: 24 * HOUR };

function iso(windows: Array<{ from: Date; to: Date }>) {
  return windows.map((w) => [w.from.toISOString(), w.to.toISOString()]);
}

describe("overlapMs", () => {
  it("re-reads four hours and a quarter (the longest call plus settling) with the default recording wait", () => {
    expect(overlapMs(30)).toBe(4 * HOUR + 15 * 60_000);
  });

  it("re-reads the recording wait plus a quarter of an hour when that is longer", () => {
    expect(overlapMs(300)).toBe(315 * 60_000);
  });
});

describe("pollWindows", () => {
  it("looks back FIRST_RUN_LOOKBACK_HOURS on the first run", () => {
    expect(iso(pollWindows(null, now, options))).toEqual([["2025-11-19T10:00:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("starts the overlap before the watermark on later runs", () => {
    const watermark = new Date("2025-11-20T09:59:00.000Z");
    expect(iso(pollWindows(watermark, now, options))).toEqual([["2025-11-20T05:44:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("splits a long downtime into windows of at most 28 days, oldest first, with no gaps", () => {
    const watermark = new Date(now.getTime() - 70 * DAY);
    const windows = pollWindows(watermark, now, options);
    expect(windows).toHaveLength(3);
    expect(windows[0]!.from.getTime()).toBe(watermark.getTime() - options.overlapMs);
    expect(windows.at(-1)!.to.getTime()).toBe(now.getTime());
    for (const [i, w] of windows.entries()) {
      expect(w.to.getTime() - w.from.getTime()).toBeLessThanOrEqual(28 * DAY);
      expect(w.to.getTime()).toBeGreaterThan(w.from.getTime());
      if (i > 0) expect(w.from.getTime()).toBe(windows[i - 1]!.to.getTime());
    }
    expect(windows[0]!.to.getTime() - windows[0]!.from.getTime()).toBe(MAX_WINDOW_MS);
  });

  it("never asks for calls older than six months", () => {
    const watermark = new Date(now.getTime() - 365 * DAY);
    const windows = pollWindows(watermark, now, options);
    expect(MAX_LOOKBACK_MS).toBe(180 * DAY);
    expect(windows[0]!.from.getTime()).toBe(now.getTime() - 180 * DAY + 60_000);
    expect(windows.at(-1)!.to.getTime()).toBe(now.getTime());
    expect(windows).toHaveLength(7);
    expect(windows.every((w) => w.to.getTime() - w.from.getTime() <= MAX_WINDOW_MS)).toBe(true);
  });

  it("clamps a first-run look-back longer than six months", () => {
    const windows = pollWindows(null, now, { ...options, firstRunLookbackMs: 200 * DAY });
    expect(windows[0]!.from.getTime()).toBe(now.getTime() - 180 * DAY + 60_000);
  });

  it("starts a backfill at `since` rather than the watermark", () => {
    const since = new Date("2025-11-01T18:30:00.000Z");
    const watermark = new Date("2025-11-20T09:59:00.000Z");
    expect(iso(pollWindows(watermark, now, { ...options, since }))).toEqual([["2025-11-01T18:30:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("clamps a backfill `since` to six months", () => {
    const since = new Date("2024-01-01T00:00:00.000Z");
    const windows = pollWindows(null, now, { ...options, since });
    expect(windows[0]!.from.getTime()).toBe(now.getTime() - 180 * DAY + 60_000);
  });

  it("returns one empty window when there is nothing to look back over", () => {
    expect(iso(pollWindows(null, now, { ...options, firstRunLookbackMs: 0 }))).toEqual([["2025-11-20T10:00:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });
});
