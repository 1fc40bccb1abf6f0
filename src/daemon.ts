import { setTimeout as sleep } from "node:timers/promises";
import type { App } from "./app.js";
import { errorMessage } from "./lib/errors.js";
import { exitCodeFor, runCycle, type CycleReport } from "./pipeline/cycle.js";

function describe(report: CycleReport, seconds: number, cpuMs: number): string {
  const o = report.outcomes;
  const parts = [
    `${o.done} call${o.done === 1 ? "" : "s"} ticketed`,
    report.skipped + o.skipped > 0 ? `${report.skipped + o.skipped} skipped` : null,
    report.waiting + o.waiting > 0 ? `${report.waiting + o.waiting} waiting for Exotel` : null,
    o["dry-run"] > 0 ? `${o["dry-run"]} previewed (dry run)` : null,
    o.failed > 0 ? `${o.failed} failed (will retry)` : null,
    o["gave-up"] > 0 ? `${o["gave-up"]} FAILED for good` : null,
    o.blocked > 0 ? `${o.blocked} blocked (see the error above)` : null,
    o.interrupted > 0 ? `${o.interrupted} interrupted by shutdown` : null,
    report.listingError ? "call list incomplete" : null,
  ].filter(Boolean);
  return `Poll finished in ${seconds.toFixed(1)} s (CPU ${Math.round(cpuMs)} ms): ${report.listed} calls listed, ${parts.join(", ")}`;
}

function eventful(report: CycleReport): boolean {
  const o = report.outcomes;
  return o.done + o.skipped + o.failed + o["gave-up"] + o.blocked + o["dry-run"] + report.skipped > 0 || report.listingError !== null;
}

export interface RunOptions {
  once: boolean;
  /** `backfill --since`: one pass from this date. */
  since?: Date;
}

/**
 * The interval loop: a poll now, then one every POLL_INTERVAL_SECONDS measured from the start of
 * the last, never two at once. Returns the exit code (design §2).
 */
export async function runDaemon(app: App, options: RunOptions): Promise<number> {
  const { ctx, config } = app;
  const intervalMs = config.pipeline.pollIntervalSeconds * 1000;
  for (;;) {
    const started = Date.now();
    const cpu = process.cpuUsage();
    const report = await runCycle(ctx, { since: options.since }).catch((error: unknown) => {
      if (options.once || options.since) throw error;
      // A daemon left alone for months outlives a full disk or a bug one odd call trips: say so loudly, poll again.
      ctx.logger.error({ err: error }, `Poll failed: ${errorMessage(error)}; trying again in ${config.pipeline.pollIntervalSeconds} s`);
      return null;
    });
    if (report) {
      const used = process.cpuUsage(cpu);
      const line = describe(report, (Date.now() - started) / 1000, (used.user + used.system) / 1000);
      if (eventful(report) || options.once || options.since) ctx.logger.info(line);
      else ctx.logger.debug(line);
      if (options.once || options.since) return exitCodeFor(report);
    }
    if (ctx.stopping.aborted) return 0;
    const wait = Math.max(0, started + intervalMs - Date.now());
    await sleep(wait, undefined, { signal: ctx.stopping }).catch(() => undefined);
    if (ctx.stopping.aborted) return 0;
  }
}
