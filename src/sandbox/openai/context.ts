import type { RegisteredAnalysis } from "./answer.js";
import type { Endpoint, ScriptedOutcome } from "./outcomes.js";

/** What an endpoint handler needs from the emulator around it. */
export interface EndpointContext {
  now: () => number;
  /** The registered analysis whose needle occurs in `text`, if any. */
  findAnalysis(text: string): RegisteredAnalysis | null;
  takeOutcome(endpoint: Endpoint, text: string): ScriptedOutcome | undefined;
  /** A fresh object id such as `chatcmpl-…` or `resp_…`. */
  newId(prefix: string): string;
}
