import type { SandboxResponse } from "../core/http-service.js";
import { composeAnswer } from "./answer.js";
import type { EndpointContext } from "./context.js";
import { invalidRequest } from "./errors.js";
import { estimateTokens, everything, responsesMessages } from "./messages.js";
import { servedModel } from "./models.js";
import { checkContextLength, checkModelParameters, readOutputFormat, requireModel, scriptedError } from "./request-checks.js";
import { isObject, type JsonObject } from "./strict-schema.js";

/** `POST /v1/responses` (openai.md §4): the format sits flat in `text.format`. */
export function createResponse(body: JsonObject, ctx: EndpointContext): SandboxResponse {
  const model = requireModel(body);
  if (!model.ok) return model.response;
  const messages = responsesMessages(body["instructions"], body["input"]);
  const text = everything(messages);
  const inputTokens = estimateTokens(messages);
  const outcome = ctx.takeOutcome("responses", text);
  const scripted = scriptedError(outcome, model.value, inputTokens, "input");
  if (scripted) return scripted;

  if (body["input"] === undefined) return invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  if (body["stream"] === true) return invalidRequest("This server does not stream; send the request without 'stream'.", "stream", "unsupported_value");
  const parameters = checkModelParameters(model.value, body, null);
  if (parameters) return parameters;
  const textOptions = isObject(body["text"]) ? body["text"] : {};
  const format = readOutputFormat(textOptions["format"], "text.format", false);
  if (!format.ok) return format.response;
  const tooLong = checkContextLength(model.value, inputTokens, "input");
  if (tooLong) return tooLong;

  const limit = body["max_output_tokens"];
  const answer = composeAnswer({
    messages,
    format: format.value,
    known: ctx.findAnalysis(text),
    outcome,
    maxOutputTokens: typeof limit === "number" ? limit : null,
    now: ctx.now,
  });
  const incompleteReason = answer.kind === "text" && answer.finish !== "stop" ? (answer.finish === "length" ? "max_output_tokens" : "content_filter") : null;
  const content =
    answer.kind === "refusal"
      ? [{ type: "refusal", refusal: answer.text }]
      : [{ type: "output_text", text: answer.text, annotations: [], logprobs: [] }];
  return {
    status: 200,
    body: {
      id: ctx.newId("resp_"),
      object: "response",
      created_at: Math.floor(ctx.now() / 1000),
      status: incompleteReason ? "incomplete" : "completed",
      background: false,
      error: null,
      incomplete_details: incompleteReason ? { reason: incompleteReason } : null,
      instructions: typeof body["instructions"] === "string" ? body["instructions"] : null,
      max_output_tokens: typeof limit === "number" ? limit : null,
      model: servedModel(model.value),
      output: [{ id: ctx.newId("msg_"), type: "message", status: incompleteReason ? "incomplete" : "completed", role: "assistant", content }],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      service_tier: "default",
      store: body["store"] !== false,
      temperature: typeof body["temperature"] === "number" ? body["temperature"] : 1,
      text: { format: textOptions["format"] ?? { type: "text" }, verbosity: "medium" },
      tool_choice: "auto",
      tools: [],
      top_p: 1,
      truncation: "disabled",
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: answer.outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + answer.outputTokens,
      },
      user: null,
      metadata: isObject(body["metadata"]) ? body["metadata"] : {},
    },
  };
}
