/**
 * Scripted misbehaviour of the sandbox model, chosen per request: the next `times` requests (to
 * one endpoint, or only those whose messages contain `needle`) get this outcome instead of a
 * normal answer. Hanging requests go through the service's own faults (`hangNext`).
 */
export type ScriptedOutcome =
  /** 429 `rate_limit_exceeded` with `retry-after-ms` (default 10 ms). The SDK retries it. */
  | { kind: "rate-limit"; retryAfterMs?: number }
  /** 429 `insufficient_quota`. The SDK retries it too (openai.md §2); the daemon should not. */
  | { kind: "insufficient-quota" }
  /** 500 `server_error`; `retryAfterMs` adds a `retry-after-ms` header so SDK retries are quick. */
  | { kind: "server-error"; retryAfterMs?: number }
  /** 400 `context_length_exceeded`. */
  | { kind: "context-length" }
  /** 200 with `content: null` and a `refusal`: the SDK's `parsed` is null. */
  | { kind: "refusal"; message?: string }
  /** 200 with truncated content and `finish_reason: "length"` (Responses: `status: "incomplete"`). */
  | { kind: "length" }
  /** 200 with `finish_reason: "content_filter"`. */
  | { kind: "content-filter" }
  /** 200 with JSON content that breaks the schema (mood "Furious", or a required key left out). */
  | { kind: "schema-violation"; content?: Record<string, unknown> }
  /** 200 whose content is prose, not JSON. */
  | { kind: "non-json-content" }
  /** 502 with an HTML body, as a proxy in front of the API sends. */
  | { kind: "bad-gateway" };

export type Endpoint = "chat" | "responses";

export interface ScriptOptions {
  /** How many matching requests get the outcome; default 1, `Infinity` for all. */
  times?: number;
  /** Only requests whose messages contain this text. */
  needle?: string;
  /** Only requests to this endpoint; default both. */
  endpoint?: Endpoint;
}

interface ActiveScript {
  outcome: ScriptedOutcome;
  remaining: number;
  needle: string | undefined;
  endpoint: Endpoint | undefined;
}

export class OutcomeScript {
  private scripts: ActiveScript[] = [];

  add(outcome: ScriptedOutcome, options: ScriptOptions = {}): () => void {
    const script: ActiveScript = { outcome, remaining: options.times ?? 1, needle: options.needle, endpoint: options.endpoint };
    this.scripts.push(script);
    return () => {
      this.scripts = this.scripts.filter((s) => s !== script);
    };
  }

  clear(): void {
    this.scripts = [];
  }

  /** The outcome for this request, if one is scripted; uses one of its `times`. */
  take(endpoint: Endpoint, text: string): ScriptedOutcome | undefined {
    const script = this.scripts.find((s) => s.remaining > 0 && (!s.endpoint || s.endpoint === endpoint) && (!s.needle || text.includes(s.needle)));
    if (!script) return undefined;
    script.remaining -= 1;
    if (script.remaining <= 0) this.scripts = this.scripts.filter((s) => s !== script);
    return script.outcome;
  }
}
