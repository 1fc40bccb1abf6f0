import { isObject } from "./strict-schema.js";

/** A request's conversation reduced to who said what, for both Chat Completions and Responses. */
export interface PlainMessage {
  role: string;
  text: string;
}

function partText(part: unknown): string {
  if (typeof part === "string") return part;
  if (isObject(part) && typeof part["text"] === "string") return part["text"];
  return "";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map(partText).filter(Boolean).join("\n");
  return "";
}

/** `messages` of a Chat Completions request. */
export function chatMessages(messages: unknown): PlainMessage[] {
  if (!Array.isArray(messages)) return [];
  return messages.filter(isObject).map((m) => ({ role: String(m["role"] ?? ""), text: contentText(m["content"]) }));
}

/** `instructions` and `input` of a Responses request (input is a string or a list of items). */
export function responsesMessages(instructions: unknown, input: unknown): PlainMessage[] {
  const messages: PlainMessage[] = [];
  if (typeof instructions === "string") messages.push({ role: "developer", text: instructions });
  if (typeof input === "string") messages.push({ role: "user", text: input });
  else if (Array.isArray(input)) {
    for (const item of input.filter(isObject)) {
      if (item["type"] !== undefined && item["type"] !== "message") continue;
      messages.push({ role: String(item["role"] ?? "user"), text: contentText(item["content"]) });
    }
  }
  return messages;
}

export function everything(messages: PlainMessage[]): string {
  return messages.map((m) => m.text).join("\n");
}

/** What the caller wants analysed: the user's turns, not the instructions (which name every mood). */
export function userText(messages: PlainMessage[]): string {
  return messages
    .filter((m) => m.role === "user")
    .map((m) => m.text)
    .join("\n");
}

/** Roughly OpenAI's count: four characters a token, plus a little per message. */
export function estimateTokens(messages: PlainMessage[]): number {
  return messages.reduce((sum, m) => sum + Math.ceil(m.text.length / 4) + 4, 3);
}

export function tokensOf(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
