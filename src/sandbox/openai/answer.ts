import { deriveAnalysis } from "./derive-analysis.js";
import { fitToSchema } from "./fit-schema.js";
import { userText, tokensOf, type PlainMessage } from "./messages.js";
import type { ScriptedOutcome } from "./outcomes.js";
import type { JsonObject, StrictFormat } from "./strict-schema.js";

/** An analysis a test wants for calls whose transcript contains a given text. */
export interface RegisteredAnalysis {
  concern: string;
  mood: string;
  summary: string | null;
  [field: string]: unknown;
}

/** What the request asked the answer to look like. */
export type OutputFormat = { kind: "strict"; format: StrictFormat } | { kind: "json_object" } | { kind: "text" };

export type Answer =
  | { kind: "text"; text: string; finish: "stop" | "length" | "content_filter"; outputTokens: number }
  | { kind: "refusal"; text: string; outputTokens: number };

export interface AnswerInput {
  messages: PlainMessage[];
  format: OutputFormat;
  known: RegisteredAnalysis | null;
  /** A scripted content outcome (errors are answered before an answer is composed). */
  outcome: ScriptedOutcome | undefined;
  maxOutputTokens: number | null;
  now: () => number;
}

const REFUSAL = "I'm sorry, but I can't help with that request.";

/** The model's reply to one request: the analysis in the asked-for shape, or a scripted oddity. */
export function composeAnswer(input: AnswerInput): Answer {
  const { outcome } = input;
  if (outcome?.kind === "refusal") {
    const text = outcome.message ?? REFUSAL;
    return { kind: "refusal", text, outputTokens: tokensOf(text) };
  }
  const analysis = analysisFor(input);
  if (outcome?.kind === "content-filter") return { kind: "text", text: "", finish: "content_filter", outputTokens: 0 };
  if (outcome?.kind === "non-json-content") {
    const text = `Sure! Here is my analysis of the call. The customer's concern: ${String(analysis["concern"] ?? "unclear")}.`;
    return { kind: "text", text, finish: "stop", outputTokens: tokensOf(text) };
  }
  if (outcome?.kind === "schema-violation") {
    const text = JSON.stringify(outcome.content ?? violate(analysis));
    return { kind: "text", text, finish: "stop", outputTokens: tokensOf(text) };
  }
  const text = render(analysis, input.format);
  const outputTokens = tokensOf(text);
  const limit = input.maxOutputTokens;
  if (outcome?.kind === "length" || (limit !== null && outputTokens > limit)) {
    // The model stops mid-answer, so the JSON is cut off: what a too-small token limit looks like.
    const budget = Math.max(1, Math.min(limit ?? outputTokens, outputTokens - 1));
    return { kind: "text", text: text.slice(0, Math.min(budget * 4, Math.floor(text.length / 2))), finish: "length", outputTokens: budget };
  }
  return { kind: "text", text, finish: "stop", outputTokens };
}

function analysisFor(input: AnswerInput): JsonObject {
  const derived = deriveAnalysis(userText(input.messages));
  const known: JsonObject = input.known ?? {};
  if (input.format.kind === "strict") return fitToSchema(input.format.format.schema, known, derived, input.now);
  return { concern: derived.concern, mood: derived.mood, summary: derived.summary, ...known };
}

function render(analysis: JsonObject, format: OutputFormat): string {
  if (format.kind !== "text") return JSON.stringify(analysis);
  return Object.entries(analysis)
    .map(([key, value]) => `${key.charAt(0).toUpperCase()}${key.slice(1)}: ${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join("\n");
}

/** Breaks the schema the way a non-strict model might: a mood outside the enum, or a required key missing. */
function violate(analysis: JsonObject): JsonObject {
  if ("mood" in analysis) return { ...analysis, mood: "Furious" };
  const [first] = Object.keys(analysis);
  const broken = { ...analysis };
  if (first !== undefined) delete broken[first];
  return broken;
}
