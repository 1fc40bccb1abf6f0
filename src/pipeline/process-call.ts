import { DeferredError, errorMessage, InterruptedError } from "../lib/errors.js";
import { FINISHED_CALL_DROPS, stepIndex, type CallState } from "../state/model.js";
import type { PipelineContext } from "./context.js";
import { CALL_STEPS, CallSkipped } from "./steps/index.js";
import { ticketSubject, transcriptComments, transcriptGapOf } from "./ticket-content.js";

/** How one pass over a call ended. */
export type CallOutcome = "done" | "skipped" | "waiting" | "blocked" | "failed" | "gave-up" | "dry-run" | "interrupted";

/**
 * Takes one call as far as it can go now: each step whose turn it is runs and its result is saved
 * before the next begins, so a restart resumes exactly where this left off.
 */
export async function processCall(sid: string, ctx: PipelineContext): Promise<CallOutcome> {
  let entry = ctx.store.get(sid);
  if (!entry || entry.status !== "pending") return "done";
  try {
    for (const step of CALL_STEPS) {
      if (stepIndex(step.name) <= stepIndex(entry.step) || !step.applies(entry)) continue;
      if (ctx.stopping.aborted) return "interrupted";
      if (step.writesToDesk && !ctx.desk) return await previewDryRun(sid, entry, ctx);
      const result = await step.run(sid, entry, ctx);
      entry = await ctx.store.update(sid, { ...result.set, step: step.name }, result.unset);
    }
    return "done";
  } catch (error) {
    return recordFailure(sid, error, ctx);
  }
}

async function recordFailure(sid: string, error: unknown, ctx: PipelineContext): Promise<CallOutcome> {
  const entry = ctx.store.get(sid)!;
  // Stopping is nobody's fault, and the step resumes at the next start: nothing to record.
  if (error instanceof InterruptedError) return "interrupted";
  if (error instanceof DeferredError) {
    if (entry.reason !== error.message) await ctx.store.update(sid, { reason: error.message });
    ctx.logger.debug({ sid }, `Call ${sid} waits: ${error.message}`);
    return error.kind;
  }
  if (error instanceof CallSkipped) {
    ctx.logger.warn({ sid }, `Skipping call ${sid}: ${error.message}`);
    await ctx.store.update(sid, { status: "skipped", step: "done", reason: error.message, doneAt: ctx.now().toISOString() }, FINISHED_CALL_DROPS);
    return "skipped";
  }
  const attempts = entry.attempts + 1;
  const max = ctx.config.pipeline.maxCallAttempts;
  const message = errorMessage(error);
  if (attempts >= max) {
    await ctx.store.update(sid, { status: "failed", attempts, lastError: message });
    ctx.logger.error({ sid, step: entry.step }, `✗ Call ${sid} FAILED after ${attempts} attempts: ${message}. Nothing more is tried until you run \`npm run retry\`.`);
    return "gave-up";
  }
  await ctx.store.update(sid, { attempts, lastError: message });
  ctx.logger.warn({ sid, step: entry.step }, `Call ${sid} attempt ${attempts} of ${max} failed: ${message}; trying again next cycle`);
  return "failed";
}

/** ZOHO_DESK_ENABLED=false: say once what the ticket would be, and leave the call pending for a real run. */
async function previewDryRun(sid: string, entry: Readonly<CallState>, ctx: PipelineContext): Promise<CallOutcome> {
  if (!entry.dryRunLogged && entry.parties && entry.call) {
    const content = {
      call: entry.call,
      parties: entry.parties,
      analysis: entry.plan === "missed" ? null : (entry.analysis ?? null),
      transcript: entry.transcript ?? null,
      transcriptGap: transcriptGapOf(entry),
    };
    const department = entry.parties.agent.zohoDepartmentId ?? ctx.config.tickets.departmentId ?? "ZOHO_DESK_DEPARTMENT_ID";
    const note = entry.plan === "missed" ? "no note" : describeNote(transcriptComments(sid, content.transcript, content.transcriptGap));
    ctx.logger.info(
      { sid },
      `Dry run (ZOHO_DESK_ENABLED=false): would create ticket "${ticketSubject(content)}" for call ${sid}: ` +
        `contact ${entry.parties.customerNumber}, agent ${entry.parties.agent.name}, priority ${ctx.config.tickets.defaultPriority}, department ${department}, with ${note}`,
    );
    await ctx.store.update(sid, { dryRunLogged: true });
  }
  return "dry-run";
}

function describeNote(parts: ReadonlyArray<{ content: string }>): string {
  const characters = parts.reduce((n, part) => n + part.content.length, 0);
  return `a private note of ${characters} characters${parts.length > 1 ? ` in ${parts.length} parts` : ""}`;
}
