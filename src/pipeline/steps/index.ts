import { analyseCall } from "./analysis.js";
import { addTranscriptComments } from "./comments.js";
import { findOrCreateContact } from "./contact.js";
import { finishCall } from "./finish.js";
import { downloadRecording } from "./recording.js";
import type { CallStep } from "./step.js";
import { createTicket } from "./ticket.js";
import { transcribeRecording } from "./transcript.js";

/** A call's journey, in order (design §1). */
export const CALL_STEPS: readonly CallStep[] = [
  downloadRecording,
  transcribeRecording,
  analyseCall,
  findOrCreateContact,
  createTicket,
  addTranscriptComments,
  finishCall,
];

export { CallSkipped } from "./step.js";
