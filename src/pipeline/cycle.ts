import type { TimeWindow } from "../domain/call.js";
import type { CallPage } from "../domain/ports.js";
import { errorMessage, InterruptedError } from "../lib/errors.js";
import { formatIst, formatIstDay, formatIstReadable } from "../lib/ist-time.js";
import { admitCall, recordUnreadable } from "./admit.js";
import type { PipelineContext } from "./context.js";
import { processCall, type CallOutcome } from "./process-call.js";
import { overlapMs, walkStart, windowsBetween } from "./windows.js";
import { WorkPool } from "./work-pool.js";

export interface CycleReport {
  listed: number;
  outcomes: Record<CallOutcome, number>;
  skipped: number;
  waiting: number;
  /** Set when Exotel's list could not be read to the end (the watermark then stays put). */
  listingError: string | null;
}

export interface CycleOptions {
  /** `backfill --since`: walk from this date, with progress lines. */
  since?: Date;
}

/** 0: every call found was handled or is waiting its turn; 1: something failed or is blocked (design §2). */
export function exitCodeFor(report: CycleReport): 0 | 1 {
  const { failed, "gave-up": gaveUp, blocked } = report.outcomes;
  return report.listingError || failed + gaveUp + blocked > 0 ? 1 : 0;
}

function emptyReport(): CycleReport {
  const outcomes = { done: 0, skipped: 0, waiting: 0, blocked: 0, failed: 0, "gave-up": 0, "dry-run": 0, interrupted: 0 };
  return { listed: 0, outcomes, skipped: 0, waiting: 0, listingError: null };
}

/**
 * A poll that reads this much further back than its overlap is catching up after downtime (or
 * on its first run) and says how far it has got; a routine poll stays quiet.
 */
const CATCH_UP_SLACK_MS = 3_600_000;

/** What one poll reads of Exotel's list, worked out before it starts. */
interface Walk {
  windows: TimeWindow[];
  /** Whether walking a window completely moves the watermark to its end. */
  advancesWatermark: boolean;
  /** How progress lines begin ("Backfill", "Catching up"); null for a routine poll. */
  progress: string | null;
}

/**
 * One poll: resume calls under way, walk Exotel's list since the watermark (minus the overlap),
 * and process every call that is ready, `MAX_CONCURRENT_CALLS` at a time, while later pages are
 * still being read.
 */
export async function runCycle(ctx: PipelineContext, options: CycleOptions = {}): Promise<CycleReport> {
  const report = emptyReport();
  const walk = await planWalk(ctx, options);
  const pool = new WorkPool(ctx.config.pipeline.maxConcurrentCalls);
  const scheduled = new Set<string>();
  let handled = 0;
  const schedule = (sid: string) => {
    if (scheduled.has(sid)) return;
    scheduled.add(sid);
    pool.add(async () => {
      const outcome = await processCall(sid, ctx).catch((error: unknown): CallOutcome => {
        // processCall records its own failures; this is one it could not record (the state file could not be written).
        ctx.logger.error({ sid }, `Call ${sid} could not be processed: ${errorMessage(error)}; it is tried again next poll`);
        return "failed";
      });
      report.outcomes[outcome] += 1;
      handled += 1;
      if (walk.progress && (handled % 10 === 0 || handled === scheduled.size)) ctx.logger.info(`${walk.progress}: ${handled} of ${scheduled.size} calls handled so far`);
    });
  };
  const stop = () => pool.close();
  ctx.stopping.addEventListener("abort", stop, { once: true });
  try {
    await walkAndProcess(ctx, walk, report, schedule);
    await pool.drain();
  } finally {
    ctx.stopping.removeEventListener("abort", stop);
  }
  return report;
}

async function planWalk(ctx: PipelineContext, options: CycleOptions): Promise<Walk> {
  const now = ctx.now();
  const pipeline = ctx.config.pipeline;
  const overlap = overlapMs(pipeline.recordingWaitMinutes);
  await forgetFutureWatermark(now, ctx);
  const watermark = ctx.store.watermark;
  const start = walkStart(watermark, now, { overlapMs: overlap, firstRunLookbackMs: pipeline.firstRunLookbackHours * 3_600_000, since: options.since ?? null });
  if (start.cutFrom) {
    ctx.logger.warn(
      `Exotel keeps only six months of calls: this poll starts at ${formatIstReadable(start.from)} instead of ${formatIstReadable(start.cutFrom)}. ` +
        `Calls before ${formatIstDay(start.from)} can no longer be listed; any not yet ticketed are out of reach.`,
    );
  }
  const backfill = Boolean(options.since);
  // The next poll reads from the watermark less the overlap: a backfill that started later than
  // that has not read what lies in between, so moving the watermark would lose those calls.
  const advancesWatermark = !backfill || !watermark || start.from.getTime() <= watermark.getTime() - overlap;
  if (!advancesWatermark) {
    ctx.logger.info(
      `Backfill starts after the last poll's watermark (${formatIstReadable(watermark!)}) less the overlap; ` +
        "the watermark stays there, so the next poll still reads the time in between",
    );
  }
  const catchingUp = now.getTime() - start.from.getTime() > overlap + CATCH_UP_SLACK_MS;
  return { windows: windowsBetween(start.from, now), advancesWatermark, progress: backfill ? "Backfill" : catchingUp ? "Catching up" : null };
}

/**
 * A watermark later than the clock was saved while the clock was wrong (IST read as UTC, say),
 * and would keep every poll from listing anything new until real time passed it. It is saved as
 * now, the overlap covering the gap, so the warning comes once.
 */
async function forgetFutureWatermark(now: Date, ctx: PipelineContext): Promise<void> {
  const saved = ctx.store.watermark;
  if (!saved || saved.getTime() <= now.getTime()) return;
  ctx.logger.warn(
    `The saved watermark (${formatIstReadable(saved)}) is later than the clock (${formatIstReadable(now)}): the clock was wrong when it was saved, or is now. ` +
      "Reading from now less the overlap instead; if the clock was off for longer than that, run backfill --since the day it went wrong.",
  );
  await ctx.store.setWatermark(now);
}

function progressLine(label: string, index: number, windows: TimeWindow[], page: CallPage, listedInWindow: number): string {
  const window = windows[index]!;
  const span = `${formatIst(window.from).slice(0, 16)} – ${formatIst(window.to).slice(0, 16)} IST`;
  const count = page.total !== null ? `${listedInWindow} of ${page.total}` : `${listedInWindow}`;
  return `${label}: window ${index + 1} of ${windows.length} (${span}), page ${page.page}: ${count} calls listed`;
}

async function walkAndProcess(ctx: PipelineContext, walk: Walk, report: CycleReport, schedule: (sid: string) => void): Promise<void> {
  for (const [sid, entry] of ctx.store.pending()) if (entry.plan) schedule(sid);

  const seen = new Set<string>();
  try {
    for (const [index, window] of walk.windows.entries()) {
      let listedInWindow = 0;
      for await (const page of ctx.calls.listFinishedCalls(window)) {
        report.listed += page.calls.length;
        listedInWindow += page.calls.length;
        for (const call of page.calls) {
          seen.add(call.sid);
          const admission = await admitCall(call, ctx);
          if (admission === "scheduled") schedule(call.sid);
          else if (admission === "skipped") report.skipped += 1;
          else if (admission === "waiting") report.waiting += 1;
        }
        for (const row of page.unreadable) {
          const outcome = row.sid ? await recordUnreadable(row.sid, row.problem, ctx) : null;
          if (outcome) report.outcomes[outcome] += 1;
        }
        if (walk.progress) ctx.logger.info(progressLine(walk.progress, index, walk.windows, page, listedInWindow));
        if (ctx.stopping.aborted) break;
      }
      if (ctx.stopping.aborted) break;
      const watermark = ctx.store.watermark;
      if (walk.advancesWatermark && (!watermark || window.to > watermark)) await ctx.store.setWatermark(window.to);
    }
  } catch (error) {
    // Stopping during a wait for Exotel's budget: the rest is listed at the next start, as after any stop.
    if (error instanceof InterruptedError) return;
    report.listingError = errorMessage(error);
    ctx.logger.warn(`Could not read Exotel's call list to the end: ${report.listingError}. The calls found are processed; the rest are read next cycle.`);
    // What we saved of a waiting call is only as fresh as the last listing: deciding from it now
    // could call an answered call missed because its fields had not filled in then. It waits for
    // a listing that works.
    return;
  }

  // Calls waiting from earlier polls that Exotel did not list this time (e.g. past the overlap): decide again from what we saved.
  for (const [sid, entry] of ctx.store.pending()) {
    if (ctx.stopping.aborted) break;
    if (entry.plan || !entry.call || seen.has(sid)) continue;
    if ((await admitCall(entry.call, ctx)) === "scheduled") schedule(sid);
  }
}
