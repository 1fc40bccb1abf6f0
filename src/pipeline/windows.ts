import type { TimeWindow } from "../domain/call.js";
import { istMonthsBefore, startOfIstDayAtOrAfter } from "../lib/ist-time.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Exotel answers at most a month per query; 28 days is a month in every reading. */
export const MAX_WINDOW_MS = 28 * DAY_MS;
/** Exotel's `TimeLimit` maximum: no call lasts longer (api/exotel.md §8). */
const LONGEST_CALL_MS = 4 * HOUR_MS;
/** How long Exotel may take, at peak, to fill in a call's fields after it ends (api/exotel.md §5). */
const SETTLE_MS = 15 * MINUTE_MS;

/**
 * A call appears in Exotel's list only after it ends, dated by its start, and is decided up to
 * RECORDING_WAIT_MINUTES after its end. Each poll re-reads a trailing overlap long enough that
 * the longest call Exotel allows is still being listed, with its settled fields, when its wait
 * runs out.
 */
export function overlapMs(recordingWaitMinutes: number): number {
  return LONGEST_CALL_MS + recordingWaitMinutes * MINUTE_MS + SETTLE_MS;
}

/**
 * The earliest moment the program asks Exotel about. Exotel keeps call records six months; a
 * window reaching further back is refused, and would stop every poll at its first window. So the
 * limit is six calendar months back in IST, plus a day for the two clocks to differ and for a
 * page retried minutes later, rounded up to the start of an IST day.
 */
export function earliestListable(now: Date): Date {
  return startOfIstDayAtOrAfter(new Date(istMonthsBefore(now, 6).getTime() + DAY_MS));
}

export interface WindowOptions {
  overlapMs: number;
  firstRunLookbackMs: number;
  /** `backfill --since`: start here instead of at the watermark. */
  since?: Date | null;
}

export interface WalkStart {
  from: Date;
  /** Where the walk would have started had Exotel kept the calls; null when it was not cut. */
  cutFrom: Date | null;
}

/**
 * Where one poll starts reading Exotel's list: the backfill day, else the watermark less the
 * overlap, else the first run's look-back; never before what Exotel still keeps. A watermark
 * later than `now` (saved while the clock was wrong) counts as `now`.
 */
export function walkStart(watermark: Date | null, now: Date, options: WindowOptions): WalkStart {
  const end = now.getTime();
  const wanted = options.since
    ? options.since.getTime()
    : watermark
      ? Math.min(watermark.getTime(), end) - options.overlapMs
      : end - options.firstRunLookbackMs;
  const earliest = earliestListable(now);
  return wanted < earliest.getTime() ? { from: earliest, cutFrom: new Date(wanted) } : { from: new Date(wanted), cutFrom: null };
}

/** Windows from `from` to `to`, oldest first, none longer than Exotel allows, with no gaps. */
export function windowsBetween(from: Date, to: Date): TimeWindow[] {
  const start = from.getTime();
  const end = to.getTime();
  const windows: TimeWindow[] = [];
  for (let at = start; at < end; at += MAX_WINDOW_MS) {
    windows.push({ from: new Date(at), to: new Date(Math.min(at + MAX_WINDOW_MS, end)) });
  }
  return windows.length > 0 ? windows : [{ from: new Date(start), to: new Date(Math.max(start, end)) }];
}
