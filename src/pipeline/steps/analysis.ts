import type { Analysis } from "../../domain/analysis.js";
import { hasSpeech } from "../../domain/transcript.js";
import type { CallStep } from "./step.js";

const NO_RECORDING: Analysis = { concern: "Recording not available", mood: "Neutral", summary: null, source: "keywords" };
const NO_SPEECH: Analysis = { concern: "No speech detected", mood: "Neutral", summary: null, source: "keywords" };
const NO_TRANSCRIPT: Analysis = { concern: "Transcript not available", mood: "Neutral", summary: null, source: "keywords" };

export const analyseCall: CallStep = {
  name: "analysis",
  writesToDesk: false,
  idempotency: "pure: a repeat asks again",
  applies: (entry) => entry.plan === "ticket",
  async run(sid, entry, ctx) {
    const transcript = entry.transcript ?? null;
    let analysis: Analysis;
    if (entry.transcriptProblem) analysis = NO_TRANSCRIPT;
    else if (!entry.recording) analysis = NO_RECORDING;
    else if (!transcript || !hasSpeech(transcript)) analysis = NO_SPEECH;
    else analysis = await ctx.analyser.analyse(transcript, sid);
    const by = analysis.source === "openai" ? "OpenAI" : "keyword analysis";
    ctx.logger.info({ sid, mood: analysis.mood, analysis: analysis.source }, `Analysed call ${sid} with ${by}: ${analysis.concern} (mood ${analysis.mood})`);
    return { set: { analysis } };
  },
};
