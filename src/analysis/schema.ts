import { z } from "zod";
import { MOODS } from "../domain/analysis.js";

/** What we ask the model for, sent to OpenAI as a strict json_schema and checked again on the way back. */
export const CallAnalysisOutput = z.object({
  concern: z.string().describe("The customer's main concern in at most eight words, e.g. 'Refund for double UPI charge'."),
  mood: z.enum(MOODS).describe("Urgent when the customer needs action now (money lost, service down for business, threats to escalate)."),
  summary: z.string().describe("One or two sentences: what the customer wants and what the agent promised."),
});
export type CallAnalysisOutput = z.infer<typeof CallAnalysisOutput>;
