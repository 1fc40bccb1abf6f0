import { errorMessage } from "../lib/errors.js";
import { admitCall, recordUnreadable } from "./admit.js";
import type { PipelineContext } from "./context.js";
import { processCall, type CallOutcome } from "./process-call.js";
import { overlapMs, pollWindows } from "./windows.js";
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
 * One poll: resume calls under way, walk Exotel's list since the watermark (minus the overlap),
 * and process every call that is ready, `MAX_CONCURRENT_CALLS` at a time, while later pages are
 * still being read.
 */
export async function runCycle(ctx: PipelineContext, options: CycleOptions = {}): Promise<CycleReport> {
  const report = emptyReport();
  const pool = new WorkPool(ctx.config.pipeline.maxConcurrentCalls);
  const scheduled = new Set<string>();
  const backfill = Boolean(options.since);
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
      if (backfill && (handled % 10 === 0 || handled === scheduled.size)) ctx.logger.info(`Backfill: ${handled} of ${scheduled.size} calls handled so far`);
    });
  };
  const stop = () => pool.close();
  ctx.stopping.addEventListener("abort", stop, { once: true });
  try {
    await walkAndProcess(ctx, options, report, schedule);
    await pool.drain();
  } finally {
    ctx.stopping.removeEventListener("abort", stop);
  }
  return report;
}

async function walkAndProcess(ctx: PipelineContext, options: CycleOptions, report: CycleReport, schedule: (sid: string) => void): Promise<void> {
  const backfill = Boolean(options.since);
  for (const [sid, entry] of ctx.store.pending()) if (entry.plan) schedule(sid);

  const seen = new Set<string>();
  const pipeline = ctx.config.pipeline;
  const windows = pollWindows(ctx.store.watermark, ctx.now(), {
    overlapMs: overlapMs(pipeline.recordingWaitMinutes),
    firstRunLookbackMs: pipeline.firstRunLookbackHours * 3_600_000,
    since: options.since ?? null,
  });
  try {
    for (const window of windows) {
      for await (const page of ctx.calls.listFinishedCalls(window)) {
        report.listed += page.calls.length;
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
        if (backfill) ctx.logger.info(`Backfill: read page ${page.page} (${report.listed}${page.total !== null ? ` of ${page.total}` : ""} calls listed)`);
        if (ctx.stopping.aborted) break;
      }
      if (ctx.stopping.aborted) break;
      const watermark = ctx.store.watermark;
      if (!watermark || window.to > watermark) await ctx.store.setWatermark(window.to);
    }
  } catch (error) {
    report.listingError = errorMessage(error);
    ctx.logger.warn(`Could not read Exotel's call list to the end: ${report.listingError}. The calls found are processed; the rest are read next cycle.`);
  }

  // Calls waiting from earlier polls that Exotel did not list this time (e.g. past the overlap): decide again from what we saved.
  for (const [sid, entry] of ctx.store.pending()) {
    if (ctx.stopping.aborted) break;
    if (entry.plan || !entry.call || seen.has(sid)) continue;
    if ((await admitCall(entry.call, ctx)) === "scheduled") schedule(sid);
  }
}
