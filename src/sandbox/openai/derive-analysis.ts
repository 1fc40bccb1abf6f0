/**
 * What the sandbox "model" concludes from a transcript it has no registered answer for: simple
 * keyword rules, so the same call always gets the same analysis and tests can predict it.
 */

export type DerivedMood = "Positive" | "Neutral" | "Negative" | "Urgent";

export interface DerivedAnalysis {
  concern: string;
  mood: DerivedMood;
  summary: string;
  category: string;
  priority: "Low" | "Medium" | "High" | "Critical";
  callbackRequested: boolean;
  actionItems: string[];
}

const MOOD_RULES: ReadonlyArray<{ mood: DerivedMood; words: RegExp }> = [
  { mood: "Urgent", words: /\b(urgent(ly)?|immediately|emergency|asap|right now|turant|jaldi|fraud|police|legal action|escalate|consumer court)\b/i },
  {
    mood: "Negative",
    words: /\b(not working|angry|frustrated|complain(t|ing)?|disappointed|worst|terrible|useless|broken|failed|kharab|pareshan|unhappy|third time|still not)\b/i,
  },
  { mood: "Positive", words: /\b(thank you so much|great|happy|resolved|excellent|perfect|wonderful|dhanyavaad|shukriya|appreciate)\b/i },
];

const CONCERN_RULES: ReadonlyArray<{ concern: string; category: string; words: RegExp }> = [
  { concern: "Refund request", category: "Billing", words: /\b(refund|money back|charged twice|double charge[d]?)\b/i },
  { concern: "Payment issue", category: "Billing", words: /\b(payment|upi|credit card|debit card|transaction)\b/i },
  { concern: "Internet connectivity problem", category: "Technical", words: /\b(internet|wi-?fi|broadband|network|router)\b/i },
  { concern: "Order delivery issue", category: "Delivery", words: /\b(delivery|deliver(ed)?|courier|parcel|shipment|order)\b/i },
  { concern: "Account access problem", category: "Account", words: /\b(login|log in|password|otp|locked out)\b/i },
  { concern: "Billing query", category: "Billing", words: /\b(bill|invoice|charges?)\b/i },
  { concern: "Cancellation request", category: "Account", words: /\b(cancel(lation)?|unsubscribe|close my account)\b/i },
  { concern: "Product not working", category: "Technical", words: /\b(not working|broken|error|kharab|stopped working)\b/i },
  { concern: "Pricing enquiry", category: "Sales", words: /\b(price|pricing|quote|quotation|plan|discount)\b/i },
];

const PRIORITY: Record<DerivedMood, DerivedAnalysis["priority"]> = { Urgent: "Critical", Negative: "High", Neutral: "Medium", Positive: "Low" };

const MOOD_CLAUSE: Record<DerivedMood, string> = {
  Urgent: "They need action immediately.",
  Negative: "They are unhappy with the service so far.",
  Neutral: "The conversation was calm.",
  Positive: "They were satisfied by the end of the call.",
};

/** The customer's words, when the transcript labels speakers; otherwise all of it. */
function customerText(transcript: string): string {
  const lines = transcript.split(/\r?\n/);
  const spoken = lines.filter((l) => /^\s*(customer|caller|speaker 1)\s*:/i.test(l)).map((l) => l.replace(/^[^:]*:\s*/, ""));
  return spoken.length > 0 ? spoken.join("\n") : transcript;
}

/** The first sentence the customer says, in at most eight words. */
function firstSentence(text: string): string | null {
  const sentence = text
    .replace(/^\s*(call )?transcript\s*:\s*/i, "")
    .split(/[.!?\n]/)
    .map((s) => s.trim())
    .find((s) => s.split(/\s+/).length >= 3);
  if (!sentence) return null;
  const words = sentence.split(/\s+/).slice(0, 8).join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function deriveAnalysis(transcript: string): DerivedAnalysis {
  const customer = customerText(transcript);
  const mood = MOOD_RULES.find((rule) => rule.words.test(customer))?.mood ?? "Neutral";
  const topic = CONCERN_RULES.find((rule) => rule.words.test(customer));
  const concern = topic?.concern ?? firstSentence(customer) ?? "General enquiry";
  const callbackRequested = /\b(call (me )?back|callback)\b/i.test(transcript);
  const summary = `The customer called about ${concern.charAt(0).toLowerCase()}${concern.slice(1)}. ${MOOD_CLAUSE[mood]}`;
  const actionItems = [`Follow up on: ${concern}`, ...(callbackRequested ? ["Call the customer back"] : [])];
  return { concern, mood, summary, category: topic?.category ?? "General", priority: PRIORITY[mood], callbackRequested, actionItems };
}
