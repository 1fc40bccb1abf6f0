import { promises as fs } from "node:fs";
import path from "node:path";
import { ServiceError } from "../../lib/errors.js";
import type { CallStep } from "./step.js";
import { required } from "./step.js";

export function recordingPath(recordingsDir: string, sid: string, url: string): string {
  const extension = /\.wav(\?|$)/i.test(url) ? ".wav" : ".mp3";
  return path.join(recordingsDir, `${sid.replace(/[^A-Za-z0-9_-]/g, "_")}${extension}`);
}

export const downloadRecording: CallStep = {
  name: "recording",
  writesToDesk: false,
  idempotency: "downloads to a .part file renamed only when complete; a repeat downloads again",
  applies: (entry) => entry.plan === "ticket" && Boolean(entry.call?.recordingUrl),
  async run(sid, entry, ctx) {
    const call = required(entry.call, "call record", sid);
    const file = recordingPath(ctx.config.files.recordingsDir, sid, required(call.recordingUrl, "recording URL", sid));
    await fs.mkdir(ctx.config.files.recordingsDir, { recursive: true });
    try {
      const { bytes } = await ctx.calls.downloadRecording(call, file);
      ctx.logger.debug({ sid, bytes }, `Downloaded recording for call ${sid} (${bytes} bytes)`);
      return { set: { recording: { file, bytes } } };
    } catch (error) {
      // Exotel listed a recording it no longer has: the call still gets its ticket, saying so.
      if (error instanceof ServiceError && (error.status === 404 || error.status === 410)) {
        const problem = `the recording could not be downloaded (Exotel answered HTTP ${error.status})`;
        ctx.logger.warn({ sid }, `Recording of call ${sid} is gone (HTTP ${error.status}); its ticket will say so`);
        return { set: { recording: null, transcriptProblem: problem } };
      }
      throw error;
    }
  },
};
