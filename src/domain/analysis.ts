export const MOODS = ["Positive", "Neutral", "Negative", "Urgent"] as const;
export type Mood = (typeof MOODS)[number];

export interface Analysis {
  /** The customer's concern in a few words; it ends the ticket subject. */
  concern: string;
  mood: Mood;
  summary: string | null;
  /** Which analyser produced it, so the log and the state file can say. */
  source: "openai" | "keywords";
}
