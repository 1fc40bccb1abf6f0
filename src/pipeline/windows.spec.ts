import { describe, expect, it } from "vitest";
import { earliestListable, MAX_WINDOW_MS, overlapMs, walkStart, windowsBetween, type WindowOptions } from "./windows.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date("2025-11-20T10:00:00.000Z");
const options = { overlapMs: 4 * HOUR + 45 * 60_000, firstRunLookbackMs: 24 * HOUR };

function iso(windows: Array<{ from: Date; to: Date }>) {
  return windows.map((w) => [w.from.toISOString(), w.to.toISOString()]);
}

describe("overlapMs", () => {
  it("re-reads the longest call Exotel allows (4 h), the recording wait and a quarter hour of settling", () => {
    expect(overlapMs(30)).toBe(4 * HOUR + 45 * 60_000);
    expect(overlapMs(300)).toBe(9 * HOUR + 15 * 60_000);
  });
});

describe("earliestListable", () => {
  it("is six calendar months back in IST, plus a day's margin, at the start of an IST day", () => {
    // 20 Nov 2025, 3:30 PM IST: six months back is 20 May, 3:30 PM; a day on, then midnight.
    expect(earliestListable(now).toISOString()).toBe("2025-05-21T18:30:00.000Z");
  });

  it("counts months, not a fixed number of days", () => {
    expect(earliestListable(new Date("2025-09-10T06:30:00.000Z")).toISOString()).toBe("2025-03-11T18:30:00.000Z");
    expect(earliestListable(new Date("2026-01-20T06:30:00.000Z")).toISOString()).toBe("2025-07-21T18:30:00.000Z");
  });

  it("takes a day the earlier month lacks as running on into the next month", () => {
    // 31 Aug 2025 less six months: 31 Feb, which is 3 Mar.
    expect(earliestListable(new Date("2025-08-31T06:30:00.000Z")).toISOString()).toBe("2025-03-04T18:30:00.000Z");
  });

  it("reaches back no more than 183 days (half a year) and not much less than six months", () => {
    for (let day = 0; day < 366; day++) {
      const at = new Date(Date.UTC(2025, 0, 1, 17, 0) + day * DAY);
      const age = at.getTime() - earliestListable(at).getTime();
      expect(age).toBeLessThanOrEqual(183 * DAY);
      expect(age).toBeGreaterThan(178 * DAY);
    }
  });
});

/** The windows one poll walks, as the cycle works them out. */
function pollWindows(watermark: Date | null, now: Date, options: WindowOptions) {
  return windowsBetween(walkStart(watermark, now, options).from, now);
}

describe("the windows a poll walks", () => {
  it("looks back FIRST_RUN_LOOKBACK_HOURS on the first run", () => {
    expect(iso(pollWindows(null, now, options))).toEqual([["2025-11-19T10:00:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("starts the overlap before the watermark on later runs", () => {
    const watermark = new Date("2025-11-20T09:59:00.000Z");
    expect(iso(pollWindows(watermark, now, options))).toEqual([["2025-11-20T05:14:00.000Z", "2025-11-20T10:00:00.000Z"]]);
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

  it("never asks for calls older than Exotel keeps, and says where it was cut", () => {
    const watermark = new Date(now.getTime() - 365 * DAY);
    const windows = pollWindows(watermark, now, options);
    expect(windows[0]!.from).toEqual(earliestListable(now));
    expect(windows.at(-1)!.to.getTime()).toBe(now.getTime());
    expect(windows.every((w) => w.to.getTime() - w.from.getTime() <= MAX_WINDOW_MS)).toBe(true);
    expect(walkStart(watermark, now, options)).toEqual({ from: earliestListable(now), cutFrom: new Date(watermark.getTime() - options.overlapMs) });
  });

  it("is not cut when the watermark is within Exotel's months", () => {
    expect(walkStart(new Date(now.getTime() - 90 * DAY), now, options).cutFrom).toBeNull();
  });

  it("cuts a first-run look-back longer than Exotel keeps", () => {
    const windows = pollWindows(null, now, { ...options, firstRunLookbackMs: 200 * DAY });
    expect(windows[0]!.from).toEqual(earliestListable(now));
  });

  it("starts a backfill at `since` rather than the watermark", () => {
    const since = new Date("2025-11-01T18:30:00.000Z");
    const watermark = new Date("2025-11-20T09:59:00.000Z");
    expect(iso(pollWindows(watermark, now, { ...options, since }))).toEqual([["2025-11-01T18:30:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("reads a watermark later than the clock as now, re-reading the overlap before it", () => {
    const watermark = new Date(now.getTime() + 5.5 * HOUR);
    expect(iso(pollWindows(watermark, now, options))).toEqual([["2025-11-20T05:15:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });

  it("returns one empty window when there is nothing to look back over", () => {
    expect(iso(pollWindows(null, now, { ...options, firstRunLookbackMs: 0 }))).toEqual([["2025-11-20T10:00:00.000Z", "2025-11-20T10:00:00.000Z"]]);
  });
});
