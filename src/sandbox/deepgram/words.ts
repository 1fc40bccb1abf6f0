import { createHash } from "node:crypto";
import type { ListenOptions } from "./listen-options.js";
import type { ScriptedUtterance } from "./transcript-script.js";

/** One recognised word, with what the response needs to place and label it. */
export interface TimedWord {
  /** Lower case, no surrounding punctuation, as Deepgram's `word`. */
  word: string;
  /** As scripted, for `punctuated_word`. */
  punctuated: string;
  start: number;
  end: number;
  confidence: number;
  speaker: number;
  speakerConfidence: number;
  language: string;
  channel: number;
  /** Index of the scripted utterance the word belongs to. */
  utterance: number;
}

const DEVANAGARI = /[\u0900-\u097f]/;
const EDGE_PUNCTUATION = /^\p{P}+|\p{P}+$/gu;

/** A number in [low, high) that depends only on `key`: confidences stay the same run after run. */
export function stableFraction(key: string, low: number, high: number): number {
  const n = createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
  return round(low + n * (high - low), 4);
}

export function round(value: number, places = 3): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/**
 * Splits an utterance into words spread over its time span, longer words taking longer, and
 * drops tokens that are punctuation only (a lone dash is not a word).
 */
export function timeWords(utterance: ScriptedUtterance, index: number, channel: number): TimedWord[] {
  const tokens = utterance.text
    .split(/\s+/)
    .filter((t) => t !== "")
    .map((punctuated) => ({ punctuated, word: punctuated.replace(EDGE_PUNCTUATION, "").toLowerCase() }))
    .filter((t) => t.word !== "");
  const weights = tokens.map((t) => t.word.length + 2);
  const total = weights.reduce((a, b) => a + b, 0);
  const span = utterance.end - utterance.start;
  let at = utterance.start;
  return tokens.map((token, i) => {
    const length = (span * weights[i]!) / total;
    const word: TimedWord = {
      word: token.word,
      punctuated: token.punctuated,
      start: round(at),
      // A short breath between words, as real timings show.
      end: round(at + length * 0.9),
      confidence: stableFraction(`${index}:${i}:${token.word}`, 0.86, 0.999),
      speaker: utterance.speaker,
      speakerConfidence: stableFraction(`speaker:${index}:${i}`, 0.55, 0.95),
      language: DEVANAGARI.test(token.word) ? "hi" : (utterance.language ?? "en"),
      channel,
      utterance: index,
    };
    at += length;
    return word;
  });
}

/** A word as the response shows it: which keys appear depends on the options asked for. */
export function wordJson(word: TimedWord, options: ListenOptions): Record<string, unknown> {
  const json: Record<string, unknown> = { word: word.word, start: word.start, end: word.end, confidence: word.confidence };
  if (options.language === "multi") json["language"] = word.language;
  if (options.diarize) {
    json["speaker"] = word.speaker;
    json["speaker_confidence"] = word.speakerConfidence;
  }
  if (options.punctuate) json["punctuated_word"] = word.punctuated;
  return json;
}

/** The text of some words as the transcript shows it: scripted punctuation only when asked for. */
export function wordsText(words: readonly TimedWord[], options: ListenOptions): string {
  return words.map((w) => (options.punctuate ? w.punctuated : w.word)).join(" ");
}

export function meanConfidence(words: readonly TimedWord[]): number {
  if (words.length === 0) return 0;
  return round(words.reduce((sum, w) => sum + w.confidence, 0) / words.length, 4);
}
