import { z } from "zod";

/** What a scenario says an audio file contains: who speaks when, on which channel, saying what. */

export const ScriptedUtterance = z
  .object({
    /** Diarisation label: 0, 1, … */
    speaker: z.number().int().nonnegative(),
    /** Audio channel; default: the speaker's number on two-channel audio (0 agent, 1 customer), else 0. */
    channel: z.number().int().nonnegative().optional(),
    start: z.number().nonnegative(),
    end: z.number().nonnegative(),
    /** As it should read with punctuation and casing (`punctuated_word`); `word` is derived. */
    text: z.string().min(1),
    /** Language of its Latin-script words under `language=multi` (default `en`); Devanagari words are always `hi`. */
    language: z.string().optional(),
  })
  .refine((u) => u.end > u.start, { message: "an utterance must end after it starts" });
export type ScriptedUtterance = z.infer<typeof ScriptedUtterance>;

export const TranscriptScript = z.union([
  z.literal("silence"),
  z.object({
    /** Channels of the audio; default: read from the audio itself. */
    channels: z.union([z.literal(1), z.literal(2)]).optional(),
    durationSeconds: z.number().positive(),
    utterances: z.array(ScriptedUtterance),
  }),
]);
export type TranscriptScript = z.input<typeof TranscriptScript>;

/** What the response is built from once the audio is known. */
export interface ResolvedScript {
  channels: number;
  durationSeconds: number;
  /** Empty for silence. */
  utterances: ScriptedUtterance[];
}

/** Audio shorter than this, when nobody scripted it, is answered as silence. */
export const MIN_GENERIC_SPEECH_SECONDS = 1.5;

const GENERIC_LINES: readonly string[] = [
  "Hello, thank you for calling customer support. How can I help you today?",
  "Hi, I am calling about my recent order. It has not been delivered yet.",
  "I am sorry to hear that. Could you please share your order number?",
  "Yes, the order number is four five six seven eight.",
  "Thank you. I can see the order is delayed at the courier. It should reach you in two days.",
  "Okay. Please make sure it arrives by Friday.",
  "I will mark it as urgent for you. Is there anything else I can help with?",
  "No, that is all. Thank you for your help.",
  "You are welcome. Have a nice day.",
];

/**
 * A plausible support call for audio no scenario scripted: agent (speaker 0) and customer
 * (speaker 1) take turns at a talking pace until the audio ends; on two channels each has their own.
 */
export function genericScript(durationSeconds: number, channels: number): ResolvedScript {
  const utterances: ScriptedUtterance[] = [];
  let at = Math.min(0.4, durationSeconds / 10);
  for (const [index, text] of GENERIC_LINES.entries()) {
    const length = text.split(/\s+/).length * 0.36;
    if (at + length > durationSeconds) break;
    const speaker = index % 2;
    utterances.push({ speaker, channel: channels >= 2 ? speaker : 0, start: at, end: at + length, text, language: "en" });
    at += length + 0.7;
  }
  return { channels, durationSeconds, utterances };
}
