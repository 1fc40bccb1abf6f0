import { featureModelUuid } from "./models.js";
import { round, type TimedWord } from "./words.js";

/**
 * Audio-intelligence blocks (deepgram.md §2), present only when asked for. The sandbox does not
 * understand speech; it spots a few support-call words so the blocks carry something plausible
 * and repeatable.
 */

/** A stretch of the transcript: one scripted utterance, with its word positions across the call. */
export interface Segment {
  text: string;
  startWord: number;
  endWord: number;
  words: readonly TimedWord[];
}

const POSITIVE = new Set(["thank", "thanks", "great", "good", "happy", "resolved", "welcome", "perfect", "nice", "dhanyavaad", "shukriya", "धन्यवाद"]);
const NEGATIVE = new Set(["not", "no", "never", "delayed", "pending", "problem", "issue", "angry", "bad", "refund", "complaint", "broken", "wrong", "urgent", "nahi", "नहीं"]);

const TOPICS: [RegExp, string][] = [
  [/^(refund|refunds|money)$/, "Refund request"],
  [/^(order|orders|delivery|delivered|courier|shipment)$/, "Order delivery"],
  [/^(payment|paid|upi|card|charged)$/, "Payment issue"],
  [/^(cancel|cancelled|cancellation)$/, "Cancellation"],
  [/^(account|login|password|otp)$/, "Account access"],
];

const INTENTS: [RegExp, string][] = [
  [/^(refund|refunds)$/, "Request refund"],
  [/^(cancel|cancellation)$/, "Cancel order"],
  [/^(where|track|status|delivered)$/, "Check order status"],
  [/^(complaint|complain|escalate)$/, "File complaint"],
  [/^(callback|call)$/, "Request callback"],
];

function infoBlock(feature: "summary" | "sentiment" | "topics" | "intents", words: number, outputTokens: number) {
  return { model_uuid: featureModelUuid(feature), input_tokens: Math.ceil(words * 1.3), output_tokens: outputTokens };
}

function sentimentScore(words: readonly TimedWord[]): number {
  let score = 0;
  for (const w of words) {
    if (POSITIVE.has(w.word)) score += 1;
    if (NEGATIVE.has(w.word)) score -= 1;
  }
  return words.length === 0 ? 0 : round(Math.max(-1, Math.min(1, score / Math.sqrt(words.length))), 4);
}

function sentimentLabel(score: number): "positive" | "negative" | "neutral" {
  return score >= 0.333 ? "positive" : score <= -0.333 ? "negative" : "neutral";
}

/** Summaries need more than 50 words; shorter input comes back as it is. */
export function summary(segments: readonly Segment[], totalWords: number) {
  const full = segments.map((s) => s.text).join(" ");
  const short = totalWords <= 50 ? full : segments.slice(0, 3).map((s) => s.text.split(/(?<=[.?!।])\s+/)[0]).join(" ");
  return { result: { result: "success", short }, info: infoBlock("summary", totalWords, Math.ceil(short.split(/\s+/).length * 1.3)) };
}

export function sentiments(segments: readonly Segment[], totalWords: number) {
  const scored = segments.map((s) => ({ segment: s, score: sentimentScore(s.words) }));
  const average = totalWords === 0 ? 0 : round(scored.reduce((sum, s) => sum + s.score * s.segment.words.length, 0) / totalWords, 4);
  return {
    result: {
      segments: scored.map(({ segment, score }) => ({
        text: segment.text,
        start_word: segment.startWord,
        end_word: segment.endWord,
        sentiment: sentimentLabel(score),
        sentiment_score: score,
      })),
      average: { sentiment: sentimentLabel(average), sentiment_score: average },
    },
    info: infoBlock("sentiment", totalWords, 0),
  };
}

function labelled(segments: readonly Segment[], table: [RegExp, string][], key: "topics" | "intents", labelKey: "topic" | "intent") {
  return segments.flatMap((segment) => {
    const labels = [...new Set(segment.words.flatMap((w) => table.filter(([re]) => re.test(w.word)).map(([, label]) => label)))];
    if (labels.length === 0) return [];
    return [
      {
        text: segment.text,
        start_word: segment.startWord,
        end_word: segment.endWord,
        [key]: labels.map((label, i) => ({ [labelKey]: label, confidence_score: round(0.9 - i * 0.1, 4) })),
      },
    ];
  });
}

export function topics(segments: readonly Segment[], totalWords: number) {
  const found = labelled(segments, TOPICS, "topics", "topic");
  return { result: { segments: found }, info: infoBlock("topics", totalWords, found.length * 3) };
}

export function intents(segments: readonly Segment[], totalWords: number) {
  const found = labelled(segments, INTENTS, "intents", "intent");
  return { result: { segments: found }, info: infoBlock("intents", totalWords, found.length * 3) };
}
