import { promises as fs } from "node:fs";
import { hasSpeech } from "../../domain/transcript.js";
import { ServiceError } from "../../lib/errors.js";
import type { CallStep } from "./step.js";
import { required } from "./step.js";

export const transcribeRecording: CallStep = {
  name: "transcript",
  writesToDesk: false,
  idempotency: "reads the saved recording; a repeat transcribes again",
  applies: (entry) => Boolean(entry.recording),
  async run(sid, entry, ctx) {
    const recording = required(entry.recording, "recording", sid);
    // The state says the file is there; if it was deleted meanwhile, fetch it again rather than fail for ever.
    const present = await fs.stat(recording.file).then((s) => s.size === recording.bytes, () => false);
    if (!present) {
      ctx.logger.warn({ sid }, `Recording file for call ${sid} is missing; downloading it again`);
      await ctx.calls.downloadRecording(required(entry.call, "call record", sid), recording.file);
    }
    let transcript;
    try {
      transcript = await ctx.transcriber.transcribe(recording.file, sid);
    } catch (error) {
      if (!isUnreadableAudio(error)) throw error;
      ctx.logger.warn({ sid }, `Deepgram cannot read the recording of call ${sid} (${error.message}); its ticket will say so`);
      return { set: { transcript: null, transcriptProblem: `the recording could not be transcribed (Deepgram answered HTTP ${error.status})` } };
    }
    const words = transcript.turns.reduce((n, t) => n + t.text.split(/\s+/).filter(Boolean).length, 0);
    ctx.logger.debug(
      { sid },
      hasSpeech(transcript) ? `Transcribed call ${sid} (${transcript.turns.length} turns, ${words} words)` : `No speech detected in the recording of call ${sid}`,
    );
    return { set: { transcript } };
  },
};

/** Deepgram's answers for audio it cannot process (corrupt, unsupported, too large): no retry mends them. */
function isUnreadableAudio(error: unknown): error is ServiceError {
  if (!(error instanceof ServiceError) || error.transient || error.service !== "deepgram") return false;
  if (error.status === 413 || error.status === 422) return true;
  return error.status === 400 && /corrupt|unsupported/i.test(error.message);
}
