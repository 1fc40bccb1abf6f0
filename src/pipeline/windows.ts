import type { TimeWindow } from "../domain/call.js";

const DAY_MS = 86_400_000;
/** Exotel answers at most a month per query; 28 days is a month in every reading. */
export const MAX_WINDOW_MS = 28 * DAY_MS;
/** Exotel keeps call records six months; asking further back is an error. */
export const MAX_LOOKBACK_MS = 180 * DAY_MS;

/**
 * A call appears in Exotel's list only after it ends, dated by its start, and settles minutes
 * later. Each poll re-reads a trailing overlap at least as long as the longest call Exotel allows
 * (4 h) plus settling, or the recording wait if that is longer.
 */
export function overlapMs(recordingWaitMinutes: number): number {
  return Math.max(4 * 3_600_000 + 15 * 60_000, (recordingWaitMinutes + 15) * 60_000);
}

export interface WindowOptions {
  overlapMs: number;
  firstRunLookbackMs: number;
  /** `backfill --since`: start here instead of at the watermark. */
  since?: Date | null;
}

/** The windows of Exotel's call list one poll walks, oldest first, none longer than Exotel allows. */
export function pollWindows(watermark: Date | null, now: Date, options: WindowOptions): TimeWindow[] {
  const end = now.getTime();
  let start = options.since ? options.since.getTime() : watermark ? watermark.getTime() - options.overlapMs : end - options.firstRunLookbackMs;
  start = Math.max(start, end - MAX_LOOKBACK_MS + 60_000);
  const windows: TimeWindow[] = [];
  for (let from = start; from < end; from += MAX_WINDOW_MS) {
    windows.push({ from: new Date(from), to: new Date(Math.min(from + MAX_WINDOW_MS, end)) });
  }
  return windows.length > 0 ? windows : [{ from: new Date(start), to: new Date(Math.max(start, end)) }];
}
