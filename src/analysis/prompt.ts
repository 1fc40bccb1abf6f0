import { formatTranscript, type Transcript } from "../domain/transcript.js";

/** Roughly 6,000 tokens of transcript: a 30-minute call fits whole; longer ones keep their start and end. */
const MAX_TRANSCRIPT_CHARS = 24_000;

export const SYSTEM_PROMPT = [
  "You analyse phone calls to an Indian company's customer support line for a help-desk ticket.",
  "Transcripts may mix Hindi and English (Hinglish), in Latin or Devanagari script; answer in English.",
  "Speakers are labelled Agent/Customer, or Speaker 1/Speaker 2 when the roles are unknown.",
  "Report the customer's concern, their mood (Positive, Neutral, Negative or Urgent) and a short summary.",
].join(" ");

/** The concern usually comes early and the outcome late, so an over-long call keeps both ends. */
export function transcriptForPrompt(transcript: Transcript): string {
  const text = formatTranscript(transcript);
  if (text.length <= MAX_TRANSCRIPT_CHARS) return text;
  const half = Math.floor(MAX_TRANSCRIPT_CHARS / 2);
  return `${text.slice(0, half)}\n[… middle of the call omitted …]\n${text.slice(-half)}`;
}
