import OpenAI, { APIConnectionTimeoutError, AuthenticationError, BadRequestError, InternalServerError, RateLimitError } from "openai";
import { LengthFinishReasonError } from "openai/core/error";
import { zodResponseFormat, zodTextFormat } from "openai/helpers/zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { SandboxClock } from "../core/clock.js";
import { createOpenAIEmulator, type OpenAIEmulator } from "./index.js";

/** The daemon's schema (src/analysis/schema.ts), repeated so this test pins the wire contract. */
const CallAnalysis = z.object({
  concern: z.string(),
  mood: z.enum(["Positive", "Neutral", "Negative", "Urgent"]),
  summary: z.string(),
});

const RicherAnalysis = z.object({
  concern: z.string(),
  mood: z.enum(["Positive", "Neutral", "Negative", "Urgent"]),
  priority: z.enum(["Low", "Medium", "High", "Critical"]),
  category: z.string(),
  callback_requested: z.boolean(),
  action_items: z.array(z.string()),
  summary: z.string().nullable(),
});

const SYSTEM = "You analyse phone calls. Report the concern, the mood (Positive, Neutral, Negative or Urgent) and a summary.";

function messages(transcript: string) {
  return [
    { role: "system" as const, content: SYSTEM },
    { role: "user" as const, content: `Call transcript:\n${transcript}` },
  ];
}

describe("OpenAI emulator through the openai SDK", () => {
  const clock = new SandboxClock();
  let emulator: OpenAIEmulator;
  let client: OpenAI;

  beforeAll(async () => {
    emulator = createOpenAIEmulator({ now: () => clock.now() });
    await emulator.service.start();
    client = new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.service.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => emulator.service.stop());
  beforeEach(() => {
    emulator.clearAnalyses();
    emulator.clearScripts();
    emulator.service.resetLog();
  });

  it("parses a registered analysis fitted to the schema", async () => {
    emulator.registerAnalysis("CA-1001", { concern: "Refund for double UPI charge", mood: "Urgent", summary: "Charged twice; wants money back today." });
    const completion = await client.chat.completions.parse({
      model: "gpt-4o-mini",
      temperature: 0,
      max_completion_tokens: 600,
      messages: messages("Customer: I was charged twice. Call ID: CA-1001"),
      response_format: zodResponseFormat(CallAnalysis, "call_analysis"),
    });
    const message = completion.choices[0]!.message;
    expect(message.parsed).toEqual({ concern: "Refund for double UPI charge", mood: "Urgent", summary: "Charged twice; wants money back today." });
    expect(message.refusal).toBeNull();
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.model).toBe("gpt-4o-mini-2024-07-18");
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(completion._request_id).toMatch(/^req_[0-9a-f]{24}$/);
  });

  it("fills properties a registered analysis lacks (keeping its null where the schema allows null) with values of the right type and enum", async () => {
    emulator.registerAnalysis("CA-1002", { concern: "Router keeps rebooting", mood: "angry", summary: null, priority: "High" });
    const completion = await client.chat.completions.parse({
      model: "gpt-4o-mini",
      messages: messages("Customer: please call me back. CA-1002"),
      response_format: zodResponseFormat(RicherAnalysis, "call_analysis"),
    });
    const parsed = completion.choices[0]!.message.parsed!;
    expect(RicherAnalysis.parse(parsed)).toEqual(parsed);
    expect(parsed.concern).toBe("Router keeps rebooting");
    expect(parsed.mood).toBe("Negative");
    expect(parsed.priority).toBe("High");
    expect(parsed.callback_requested).toBe(true);
    expect(parsed.summary).toBeNull();
    expect(Object.keys(parsed).sort()).toEqual(["action_items", "callback_requested", "category", "concern", "mood", "priority", "summary"]);
  });

  it("derives an analysis from the transcript when none is registered, the same every time", async () => {
    const ask = () =>
      client.chat.completions.parse({
        model: "gpt-4o-mini",
        messages: messages("Agent: Hello.\nCustomer: My internet is not working since morning, this is the third time.\nAgent: Sorry."),
        response_format: zodResponseFormat(CallAnalysis, "call_analysis"),
      });
    const first = (await ask()).choices[0]!.message.parsed;
    expect(first).toEqual({
      concern: "Internet connectivity problem",
      mood: "Negative",
      summary: "The customer called about internet connectivity problem. They are unhappy with the service so far.",
    });
    expect((await ask()).choices[0]!.message.parsed).toEqual(first);
  });

  it("records the response_format, model and attempt of each request", async () => {
    await client.chat.completions.parse({ model: "gpt-4.1-mini", messages: messages("Customer: hi there, a question"), response_format: zodResponseFormat(CallAnalysis, "call_analysis") });
    const [request] = emulator.analysisRequests();
    expect(request).toMatchObject({
      endpoint: "chat",
      model: "gpt-4.1-mini",
      retryCount: 0,
      status: 200,
      authorization: `Bearer ${emulator.apiKey}`,
      responseFormat: {
        type: "json_schema",
        json_schema: {
          name: "call_analysis",
          strict: true,
          schema: { type: "object", required: ["concern", "mood", "summary"], additionalProperties: false },
        },
      },
    });
  });

  it("gives parsed === null for a refusal", async () => {
    emulator.scriptNext({ kind: "refusal" });
    const completion = await client.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: hello"), response_format: zodResponseFormat(CallAnalysis, "call_analysis") });
    expect(completion.choices[0]!.message.parsed).toBeNull();
    expect(completion.choices[0]!.message.refusal).toBe("I'm sorry, but I can't help with that request.");
  });

  it("throws LengthFinishReasonError for finish_reason length, scripted or from a small token limit", async () => {
    emulator.scriptNext({ kind: "length" });
    const format = zodResponseFormat(CallAnalysis, "call_analysis");
    await expect(client.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: hello"), response_format: format })).rejects.toBeInstanceOf(LengthFinishReasonError);
    await expect(
      client.chat.completions.parse({ model: "gpt-4o-mini", max_completion_tokens: 5, messages: messages("Customer: hello"), response_format: format }),
    ).rejects.toBeInstanceOf(LengthFinishReasonError);
  });

  it("breaks the schema when scripted to, so the SDK's zod check throws", async () => {
    emulator.scriptNext({ kind: "schema-violation" });
    await expect(
      client.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: hello"), response_format: zodResponseFormat(CallAnalysis, "call_analysis") }),
    ).rejects.toMatchObject({ name: "ZodError" });
  });

  it("answers a wrong key with 401, which the SDK throws as AuthenticationError after one attempt", async () => {
    const wrong = new OpenAI({ apiKey: "sk-wrong-key-123456", baseURL: `${emulator.service.url}/v1`, maxRetries: 2 });
    const error = await wrong.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hi") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("invalid_api_key");
    expect((error as AuthenticationError).message).toBe(
      "401 Incorrect API key provided: sk-wr***56. You can find your API key at https://platform.openai.com/account/api-keys.",
    );
    expect(emulator.analysisRequests()).toHaveLength(1);
  });

  it("answers insufficient_quota as a RateLimitError with that code", async () => {
    emulator.scriptNext({ kind: "insufficient-quota" });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hi") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe("insufficient_quota");
    expect((error as RateLimitError).type).toBe("insufficient_quota");
  });

  it("has 500s retried by the SDK, counting attempts through x-stainless-retry-count", async () => {
    emulator.scriptNext({ kind: "server-error", retryAfterMs: 0 }, { times: 2 });
    const retrying = new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.service.url}/v1`, maxRetries: 2 });
    const completion = await retrying.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: hello there friend"), response_format: zodResponseFormat(CallAnalysis, "call_analysis") });
    expect(completion.choices[0]!.message.parsed).not.toBeNull();
    expect(emulator.analysisRequests().map((r) => [r.retryCount, r.status])).toEqual([
      [0, 500],
      [1, 500],
      [2, 200],
    ]);
  });

  it("gives up with InternalServerError after three 500s", async () => {
    emulator.scriptNext({ kind: "server-error", retryAfterMs: 0 }, { times: 3 });
    const retrying = new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.service.url}/v1`, maxRetries: 2 });
    await expect(retrying.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hello") })).rejects.toBeInstanceOf(InternalServerError);
    expect(emulator.analysisRequests().map((r) => r.retryCount)).toEqual([0, 1, 2]);
  });

  it("lets the SDK wait out a rate limit with retry-after-ms", async () => {
    emulator.scriptNext({ kind: "rate-limit", retryAfterMs: 5 });
    const retrying = new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.service.url}/v1`, maxRetries: 1 });
    await retrying.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hello") });
    expect(emulator.analysisRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it("throws BadRequestError for context_length_exceeded", async () => {
    emulator.scriptNext({ kind: "context-length" });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hello") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe("context_length_exceeded");
    expect((error as BadRequestError).param).toBe("messages");
  });

  it("throws InternalServerError with the raw text for a non-JSON 502", async () => {
    emulator.scriptNext({ kind: "bad-gateway" });
    const error = await client.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hello") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(502);
    expect((error as Error).message).toContain("502 Bad Gateway");
  });

  it("scripts failures only for requests that contain the needle", async () => {
    emulator.scriptNext({ kind: "server-error" }, { needle: "CA-BAD" });
    const format = zodResponseFormat(CallAnalysis, "call_analysis");
    await expect(client.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: fine call CA-GOOD"), response_format: format })).resolves.toBeDefined();
    await expect(client.chat.completions.parse({ model: "gpt-4o-mini", messages: messages("Customer: bad call CA-BAD"), response_format: format })).rejects.toBeInstanceOf(
      InternalServerError,
    );
  });

  it("times out on a hanging request", async () => {
    emulator.hangNext();
    const impatient = new OpenAI({ apiKey: emulator.apiKey, baseURL: `${emulator.service.url}/v1`, maxRetries: 0, timeout: 200 });
    await expect(impatient.chat.completions.create({ model: "gpt-4o-mini", messages: messages("Customer: hello") })).rejects.toBeInstanceOf(
      APIConnectionTimeoutError,
    );
  });

  describe("Responses API", () => {
    it("parses output_parsed from text.format", async () => {
      emulator.registerAnalysis("CA-2001", { concern: "Late delivery", mood: "Negative", summary: "Parcel is a week late." });
      const response = await client.responses.parse({
        model: "gpt-4o-mini",
        input: messages("Customer: where is my parcel? CA-2001"),
        max_output_tokens: 600,
        text: { format: zodTextFormat(CallAnalysis, "call_analysis") },
      });
      expect(response.output_parsed).toEqual({ concern: "Late delivery", mood: "Negative", summary: "Parcel is a week late." });
      expect(response.status).toBe("completed");
    });

    it("gives output_parsed null without throwing when incomplete or refused", async () => {
      const format = zodTextFormat(CallAnalysis, "call_analysis");
      emulator.scriptNext({ kind: "length" }, { endpoint: "responses" });
      const incomplete = await client.responses.parse({ model: "gpt-4o-mini", input: messages("Customer: hi"), text: { format } });
      expect(incomplete.status).toBe("incomplete");
      expect(incomplete.incomplete_details).toEqual({ reason: "max_output_tokens" });
      expect(incomplete.output_parsed).toBeNull();

      emulator.scriptNext({ kind: "refusal" }, { endpoint: "responses" });
      const refused = await client.responses.parse({ model: "gpt-4o-mini", input: messages("Customer: hi"), text: { format } });
      expect(refused.output_parsed).toBeNull();
    });
  });
});
