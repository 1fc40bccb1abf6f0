import type { SandboxResponse } from "../core/http-service.js";
import { composeAnswer } from "./answer.js";
import type { EndpointContext } from "./context.js";
import { invalidRequest } from "./errors.js";
import { chatMessages, estimateTokens, everything } from "./messages.js";
import { servedModel } from "./models.js";
import { checkContextLength, checkModelParameters, readOutputFormat, requireModel, scriptedError } from "./request-checks.js";
import type { JsonObject } from "./strict-schema.js";

/** `POST /v1/chat/completions` (openai.md §3). */
export function chatCompletion(body: JsonObject, ctx: EndpointContext): SandboxResponse {
  const model = requireModel(body);
  if (!model.ok) return model.response;
  const messages = chatMessages(body["messages"]);
  const text = everything(messages);
  const promptTokens = estimateTokens(messages);
  const outcome = ctx.takeOutcome("chat", text);
  const scripted = scriptedError(outcome, model.value, promptTokens, "messages");
  if (scripted) return scripted;

  if (!Array.isArray(body["messages"])) return invalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (messages.length === 0) return invalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
  if (body["stream"] === true) return invalidRequest("This server does not stream; send the request without 'stream'.", "stream", "unsupported_value");
  const parameters = checkModelParameters(model.value, body, "max_tokens");
  if (parameters) return parameters;
  const format = readOutputFormat(body["response_format"], "response_format", true);
  if (!format.ok) return format.response;
  const tooLong = checkContextLength(model.value, promptTokens, "messages");
  if (tooLong) return tooLong;

  const limit = body["max_completion_tokens"] ?? body["max_tokens"];
  const answer = composeAnswer({
    messages,
    format: format.value,
    known: ctx.findAnalysis(text),
    outcome,
    maxOutputTokens: typeof limit === "number" ? limit : null,
    now: ctx.now,
  });
  const message =
    answer.kind === "refusal"
      ? { role: "assistant", content: null, refusal: answer.text, annotations: [] }
      : { role: "assistant", content: answer.finish === "content_filter" ? null : answer.text, refusal: null, annotations: [] };
  return {
    status: 200,
    body: {
      id: ctx.newId("chatcmpl-"),
      object: "chat.completion",
      created: Math.floor(ctx.now() / 1000),
      model: servedModel(model.value),
      choices: [{ index: 0, message, logprobs: null, finish_reason: answer.kind === "refusal" ? "stop" : answer.finish }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: answer.outputTokens,
        total_tokens: promptTokens + answer.outputTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: "default",
      system_fingerprint: "fp_sandbox0",
    },
  };
}
