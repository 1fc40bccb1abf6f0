import type { SandboxResponse } from "../core/http-service.js";
import type { OutputFormat } from "./answer.js";
import { badGateway, contextLengthExceeded, insufficientQuota, invalidRequest, rateLimitExceeded, serverError } from "./errors.js";
import { contextWindow, isReasoningModel } from "./models.js";
import type { ScriptedOutcome } from "./outcomes.js";
import { checkStrictFormat, isObject, type JsonObject } from "./strict-schema.js";

/** Checks both endpoints share: each gives the value it read, or the error answer to send. */
export type Checked<T> = { ok: true; value: T } | { ok: false; response: SandboxResponse };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(response: SandboxResponse): Checked<T> => ({ ok: false, response });

export function parseJsonBody(body: Buffer): Checked<JsonObject> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (isObject(parsed)) return ok(parsed);
  } catch {
    // answered below
  }
  return fail(invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    null,
  ));
}

export function requireModel(body: JsonObject): Checked<string> {
  const model = body["model"];
  if (typeof model !== "string" || model === "") return fail(invalidRequest("you must provide a model parameter", null));
  return ok(model);
}

/** gpt-5 and o-series models reject parameters older models take (openai.md §5, §6). */
export function checkModelParameters(model: string, body: JsonObject, maxTokensField: "max_tokens" | null): SandboxResponse | null {
  if (!isReasoningModel(model)) return null;
  const temperature = body["temperature"];
  if (typeof temperature === "number" && temperature !== 1) {
    return invalidRequest(
      `Unsupported value: 'temperature' does not support ${temperature} with this model. Only the default (1) value is supported.`,
      "temperature",
      "unsupported_value",
    );
  }
  if (maxTokensField && body[maxTokensField] !== undefined) {
    return invalidRequest(
      `Unsupported parameter: '${maxTokensField}' is not supported with this model. Use 'max_completion_tokens' instead.`,
      maxTokensField,
      "unsupported_parameter",
    );
  }
  return null;
}

/**
 * Reads a structured-output format: its `type` and, for json_schema, the strict schema (nested
 * under `json_schema` for Chat Completions, `nested`; flat in `text.format` for Responses).
 */
export function readOutputFormat(format: unknown, param: string, nested: boolean): Checked<OutputFormat> {
  if (format === undefined || format === null) return ok({ kind: "text" });
  if (!isObject(format)) return fail(invalidRequest(`Invalid type for '${param}': expected an object, but got ${typeof format} instead.`, param, "invalid_type"));
  switch (format["type"]) {
    case "text":
      return ok({ kind: "text" });
    case "json_object":
      return ok({ kind: "json_object" });
    case "json_schema": {
      const holder = nested ? format["json_schema"] : format;
      if (!isObject(holder)) return fail(invalidRequest(`Missing required parameter: '${param}.json_schema'.`, param, "missing_required_parameter"));
      const checked = checkStrictFormat(holder, nested ? `${param}.json_schema` : param);
      if (!checked.ok) return fail(invalidRequest(checked.message, param, checked.code));
      return ok({ kind: "strict", format: checked.format });
    }
    default:
      return fail(
        invalidRequest(`Invalid value: '${String(format["type"])}'. Supported values are: 'json_object', 'json_schema', and 'text'.`, param, "invalid_value"),
      );
  }
}

export function checkContextLength(model: string, promptTokens: number, param: string): SandboxResponse | null {
  const limit = contextWindow(model);
  return promptTokens > limit ? contextLengthExceeded(limit, promptTokens, param) : null;
}

/** The error answer for a scripted error outcome; undefined for outcomes that shape a 200 answer. */
export function scriptedError(outcome: ScriptedOutcome | undefined, model: string, promptTokens: number, param: string): SandboxResponse | undefined {
  switch (outcome?.kind) {
    case "rate-limit":
      return rateLimitExceeded(model, outcome.retryAfterMs ?? 10);
    case "insufficient-quota":
      return insufficientQuota();
    case "server-error":
      return serverError(outcome.retryAfterMs);
    case "context-length": {
      const limit = contextWindow(model);
      return contextLengthExceeded(limit, Math.max(promptTokens, limit + 21_872), param);
    }
    case "bad-gateway":
      return badGateway();
    default:
      return undefined;
  }
}
