import type { Analysis, Mood } from "../domain/analysis.js";
import type { Transcript } from "../domain/transcript.js";

/**
 * The fallback analysis: no model, just words (English and the romanised Hindi of Hinglish
 * calls). It is used when there is no OpenAI key and whenever OpenAI fails.
 */

const URGENT = ["urgent", "emergency", "immediately", "right now", "asap", "fraud", "scam", "police", "legal action", "consumer court", "turant", "jaldi", "abhi ke abhi", "double charged", "charged twice", "paise kat gaye", "paisa kat gaya"];
const NEGATIVE = ["not working", "doesn't work", "does not work", "complaint", "angry", "frustrated", "worst", "terrible", "bad service", "disappointed", "problem", "issue", "still not", "no one", "nobody", "nahi aaya", "nahi hua", "kharab", "band hai", "bekaar", "pareshan", "galat", "delay", "cancel"];
const POSITIVE = ["thank you", "thanks", "great", "happy", "excellent", "resolved", "working now", "perfect", "appreciate", "satisfied", "dhanyavaad", "dhanyawad", "shukriya", "badhiya", "bahut accha"];

/** Concerns by the words that give them away, most specific first. */
const CONCERNS: Array<[string, string[]]> = [
  ["Refund request", ["refund", "money back", "paisa wapas", "paise wapas"]],
  ["Payment issue", ["payment", "charged", "upi", "transaction", "debited", "paise kat", "paisa kat"]],
  ["Order not delivered", ["not delivered", "delivery", "order", "courier", "shipment", "parcel", "nahi aaya"]],
  ["Service outage", ["internet", "broadband", "wifi", "wi-fi", "network", "outage", "connection", "no signal"]],
  ["Installation", ["install", "installation", "technician", "setup", "set up"]],
  ["Billing enquiry", ["bill", "invoice", "plan", "price", "pricing", "recharge", "subscription", "kitna"]],
  ["Cancellation", ["cancel", "cancellation", "close my account", "band karna"]],
  ["Product fault", ["broken", "damaged", "defective", "not working", "kharab", "replace", "replacement"]],
  ["Account access", ["password", "login", "log in", "otp", "locked"]],
];

const patterns = new Map<string, RegExp>();

/** Whole words only: "stupid" must not count as "upi". */
function mentions(text: string, word: string): boolean {
  let pattern = patterns.get(word);
  if (!pattern) {
    pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}\\p{N}])`, "u");
    patterns.set(word, pattern);
  }
  return pattern.test(text);
}

function count(text: string, words: string[]): number {
  return words.reduce((n, word) => n + (mentions(text, word) ? 1 : 0), 0);
}

function moodOf(text: string): Mood {
  if (count(text, URGENT) > 0) return "Urgent";
  const negative = count(text, NEGATIVE);
  const positive = count(text, POSITIVE);
  if (negative > positive) return "Negative";
  if (positive > 0) return "Positive";
  return "Neutral";
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=[.?!])\s+/)[0] ?? text;
  return sentence.length > 60 ? `${sentence.slice(0, 57).trimEnd()}...` : sentence;
}

export function analyseByKeywords(transcript: Transcript): Analysis {
  const customerTurns = transcript.turns.filter((t) => t.speaker === "Customer");
  const spoken = (customerTurns.length > 0 ? customerTurns : transcript.turns).map((t) => t.text).join(" ");
  const text = spoken.toLowerCase();
  const concern = CONCERNS.find(([, words]) => count(text, words) > 0)?.[0] ?? (spoken.trim() ? firstSentence(spoken.trim()) : "General enquiry");
  return { concern, mood: moodOf(text), summary: null, source: "keywords" };
}
