/** Just enough about OpenAI's models for the checks the API makes before answering (openai.md §6). */

const SNAPSHOTS: Record<string, string> = {
  "gpt-4o-mini": "gpt-4o-mini-2024-07-18",
  "gpt-4o": "gpt-4o-2024-08-06",
  "gpt-4.1-mini": "gpt-4.1-mini-2025-04-14",
  "gpt-4.1-nano": "gpt-4.1-nano-2025-04-14",
  "gpt-5-mini": "gpt-5-mini-2025-08-07",
  "gpt-5-nano": "gpt-5-nano-2025-08-07",
};

/** Answers name the dated snapshot that served an alias, as the real API does. */
export function servedModel(requested: string): string {
  return SNAPSHOTS[requested] ?? requested;
}

export function contextWindow(model: string): number {
  if (model.startsWith("gpt-4.1")) return 1_047_576;
  if (model.startsWith("gpt-5")) return 400_000;
  return 128_000;
}

/** Reasoning models refuse `temperature` other than 1 and the old `max_tokens`. */
export function isReasoningModel(model: string): boolean {
  return /^(gpt-5|o\d)/.test(model);
}
