import { promises as fs } from "node:fs";
import { FINISHED_CALL_DROPS } from "../../state/model.js";
import type { CallStep } from "./step.js";

export const finishCall: CallStep = {
  name: "done",
  writesToDesk: false,
  idempotency: "removing a file that is already gone is fine",
  applies: () => true,
  async run(sid, entry, ctx) {
    if (entry.recording && !ctx.config.pipeline.keepRecordings) await fs.rm(entry.recording.file, { force: true });
    return { set: { status: "done", doneAt: ctx.now().toISOString(), lastError: null, reason: null }, unset: FINISHED_CALL_DROPS };
  },
};
