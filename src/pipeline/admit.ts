import type { CallRecord } from "../domain/call.js";
import { FINISHED_CALL_DROPS } from "../state/model.js";
import type { PipelineContext } from "./context.js";
import { decide } from "./decide.js";
import { fallbackParties, identifyParties } from "./parties.js";

export type Admission = "scheduled" | "waiting" | "skipped" | "known";

function sameCall(a: CallRecord | null | undefined, b: CallRecord): boolean {
  return Boolean(a) && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Decides what a listed call becomes (design §5) and records it. A call already decided is left
 * alone; one still waiting is saved again only when Exotel's record of it changed.
 */
export async function admitCall(call: CallRecord, ctx: PipelineContext): Promise<Admission> {
  const entry = ctx.store.get(call.sid);
  if (entry && entry.status !== "pending") return "known";
  if (entry?.plan) return "scheduled";
  const now = ctx.now();
  const parties = identifyParties(call, ctx.agents, ctx.config.phoneCountry);
  const firstSeenAt = entry ? new Date(entry.firstSeenAt) : now;
  const decision = decide(call, parties, { now, recordingWaitMs: ctx.config.pipeline.recordingWaitMinutes * 60_000, firstSeenAt });
  // A call older than the state's memory may already have a ticket from an earlier run: look before creating.
  const lookupFirst = Date.parse(call.startedAt) < now.getTime() - ctx.config.pipeline.stateRetentionDays * 86_400_000;
  const base = { status: "pending" as const, step: "discovered" as const, call, startedAt: call.startedAt, lookupFirst };

  switch (decision.action) {
    case "wait":
      if (!sameCall(entry?.call, call) || entry?.reason !== decision.reason) await ctx.store.update(call.sid, { ...base, reason: decision.reason });
      return "waiting";
    case "skip":
      await skip(call, decision.reason, ctx);
      if (decision.reason === "no agent detected") ctx.logger.info({ sid: call.sid }, `No agent detected for call ${call.sid}`);
      return "skipped";
    case "missed":
      if (!ctx.config.tickets.missedCallTickets) {
        await skip(call, `missed call: ${decision.reason}`, ctx);
        ctx.logger.info({ sid: call.sid }, `Skipping missed call ${call.sid} (${decision.reason}); MISSED_CALL_TICKETS is off`);
        return "skipped";
      }
      await ctx.store.update(call.sid, { ...base, plan: "missed", parties: parties ?? fallbackParties(call, ctx.agents.defaultAgent, ctx.config.phoneCountry), reason: null });
      return "scheduled";
    case "ticket":
      await ctx.store.update(call.sid, { ...base, plan: "ticket", parties: decision.parties, reason: null });
      return "scheduled";
  }
}

async function skip(call: CallRecord, reason: string, ctx: PipelineContext): Promise<void> {
  await ctx.store.update(call.sid, { status: "skipped", step: "done", startedAt: call.startedAt, reason, doneAt: ctx.now().toISOString() }, FINISHED_CALL_DROPS);
}

/**
 * A row Exotel sent that we cannot read fails that call's attempt, not the cycle. Returns how the
 * call came out, like a processed call would, or null when it was already finished.
 */
export async function recordUnreadable(sid: string, problem: string, ctx: PipelineContext): Promise<"failed" | "gave-up" | null> {
  const entry = ctx.store.get(sid);
  if (entry && entry.status !== "pending") return null;
  const attempts = (entry?.attempts ?? 0) + 1;
  const failed = attempts >= ctx.config.pipeline.maxCallAttempts;
  await ctx.store.update(sid, { status: failed ? "failed" : "pending", attempts, lastError: problem, startedAt: entry?.startedAt ?? null });
  const log = failed ? ctx.logger.error.bind(ctx.logger) : ctx.logger.warn.bind(ctx.logger);
  log({ sid }, `Could not read Exotel's record of call ${sid}: ${problem}${failed ? " — marked failed" : ""}`);
  return failed ? "gave-up" : "failed";
}
