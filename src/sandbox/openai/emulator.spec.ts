import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SandboxClock } from "../core/clock.js";
import { createOpenAIEmulator, type OpenAIEmulator } from "./index.js";

const SCHEMA = {
  type: "object",
  properties: {
    concern: { type: "string" },
    mood: { type: "string", enum: ["Positive", "Neutral", "Negative", "Urgent"] },
    summary: { type: "string" },
  },
  required: ["concern", "mood", "summary"],
  additionalProperties: false,
};

function chatBody(overrides: Record<string, unknown> = {}) {
  return {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Report the mood: Positive, Neutral, Negative or Urgent." },
      { role: "user", content: "Customer: My payment failed, I need it fixed immediately!" },
    ],
    response_format: { type: "json_schema", json_schema: { name: "call_analysis", strict: true, schema: SCHEMA } },
    ...overrides,
  };
}

describe("OpenAI emulator over plain HTTP", () => {
  const clock = new SandboxClock();
  let emulator: OpenAIEmulator;

  beforeAll(async () => {
    emulator = createOpenAIEmulator({ apiKey: "sk-test-abcdefghijklmnop", now: () => clock.now() });
    await emulator.service.start();
  });
  afterAll(() => emulator.service.stop());
  beforeEach(() => {
    emulator.clearScripts();
    emulator.service.resetLog();
  });

  async function post(path: string, body: unknown, key: string | null = "sk-test-abcdefghijklmnop") {
    const response = await fetch(`${emulator.service.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, text, json };
  }

  it("answers a chat completion with the documented body and headers", async () => {
    const { status, headers, json } = await post("/v1/chat/completions", chatBody({ max_completion_tokens: 300 }));
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{24}$/);
    expect(json).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-mini-2024-07-18",
      created: Math.floor(clock.now() / 1000),
      service_tier: "default",
      choices: [{ index: 0, logprobs: null, finish_reason: "stop", message: { role: "assistant", refusal: null, annotations: [] } }],
    });
    expect(json.id).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(JSON.parse(json.choices[0].message.content)).toEqual({
      concern: "Payment issue",
      mood: "Urgent",
      summary: "The customer called about payment issue. They need action immediately.",
    });
    expect(json.usage.prompt_tokens).toBeGreaterThan(0);
    expect(json.usage.completion_tokens).toBe(Math.ceil(json.choices[0].message.content.length / 4));
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens);
  });

  it("uses the clock for created timestamps", async () => {
    clock.advance(3_600_000);
    const { json } = await post("/v1/chat/completions", chatBody());
    expect(json.created).toBe(Math.floor(clock.now() / 1000));
  });

  describe("authentication", () => {
    it("rejects a missing key with 401 invalid_api_key", async () => {
      const { status, headers, json } = await post("/v1/chat/completions", chatBody(), null);
      expect(status).toBe(401);
      expect(headers.get("x-request-id")).toMatch(/^req_/);
      expect(json.error).toMatchObject({ type: "invalid_request_error", param: null, code: "invalid_api_key" });
      expect(json.error.message).toMatch(/^You didn't provide an API key/);
    });

    it("rejects a wrong key, showing only its ends", async () => {
      const { status, json } = await post("/v1/chat/completions", chatBody(), "sk-live-0000000000000099");
      expect(status).toBe(401);
      expect(json).toEqual({
        error: {
          message: "Incorrect API key provided: sk-li***99. You can find your API key at https://platform.openai.com/account/api-keys.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
    });
  });

  describe("structured output checks", () => {
    const invalid = [
      ["strict missing", { type: "json_schema", json_schema: { name: "call_analysis", schema: SCHEMA } }, /'response_format\.json_schema\.strict'/],
      ["name missing", { type: "json_schema", json_schema: { strict: true, schema: SCHEMA } }, /Missing required parameter: 'response_format\.json_schema\.name'/],
      ["name with spaces", { type: "json_schema", json_schema: { name: "call analysis", strict: true, schema: SCHEMA } }, /does not match pattern/],
      [
        "additionalProperties missing",
        { type: "json_schema", json_schema: { name: "call_analysis", strict: true, schema: { ...SCHEMA, additionalProperties: undefined } } },
        /^Invalid schema for response_format 'call_analysis': In context=\(\), 'additionalProperties' is required to be supplied and to be false\.$/,
      ],
      [
        "a property not required",
        { type: "json_schema", json_schema: { name: "call_analysis", strict: true, schema: { ...SCHEMA, required: ["concern", "mood"] } } },
        /In context=\(\), 'required' is required to be supplied and to be an array including every key in properties\. Missing 'summary'\.$/,
      ],
      [
        "a nested object without additionalProperties",
        {
          type: "json_schema",
          json_schema: {
            name: "call_analysis",
            strict: true,
            schema: { ...SCHEMA, properties: { ...SCHEMA.properties, caller: { type: "object", properties: {}, required: [] } }, required: [...SCHEMA.required, "caller"] },
          },
        },
        /In context=\('properties', 'caller'\), 'additionalProperties'/,
      ],
      [
        "a schema that is not an object",
        { type: "json_schema", json_schema: { name: "call_analysis", strict: true, schema: { type: "string" } } },
        /schema must be a JSON Schema of 'type: "object"', got 'type: "string"'/,
      ],
      ["an unknown type", { type: "xml" }, /Invalid value: 'xml'/],
    ] as const;

    it.each(invalid)("answers 400 param response_format for %s", async (_name, responseFormat, message) => {
      const { status, json } = await post("/v1/chat/completions", chatBody({ response_format: responseFormat }));
      expect(status).toBe(400);
      expect(json.error.type).toBe("invalid_request_error");
      expect(json.error.param).toBe("response_format");
      expect(json.error.message).toMatch(message);
    });

    it("checks the Responses API's flat text.format the same way", async () => {
      const { status, json } = await post("/v1/responses", {
        model: "gpt-4o-mini",
        input: "Customer: hello",
        text: { format: { type: "json_schema", name: "call_analysis", strict: true, schema: { ...SCHEMA, additionalProperties: true } } },
      });
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ type: "invalid_request_error", param: "text.format" });
      expect(json.error.message).toMatch(/'additionalProperties' is required to be supplied and to be false/);
    });

    it("answers json_object requests with the analysis as JSON and plain requests with prose", async () => {
      const object = await post("/v1/chat/completions", chatBody({ response_format: { type: "json_object" } }));
      expect(JSON.parse(object.json.choices[0].message.content)).toMatchObject({ concern: "Payment issue", mood: "Urgent" });
      const prose = await post("/v1/chat/completions", chatBody({ response_format: undefined }));
      expect(prose.json.choices[0].message.content).toMatch(/^Concern: Payment issue\nMood: Urgent\nSummary: /);
    });
  });

  describe("other request checks", () => {
    it("rejects a body that is not JSON", async () => {
      const { status, json } = await post("/v1/chat/completions", "{not json");
      expect(status).toBe(400);
      expect(json.error.message).toMatch(/^We could not parse the JSON body of your request/);
    });

    it("requires a model and messages", async () => {
      expect((await post("/v1/chat/completions", chatBody({ model: undefined }))).json.error.message).toBe("you must provide a model parameter");
      const noMessages = await post("/v1/chat/completions", chatBody({ messages: undefined }));
      expect(noMessages.json.error).toMatchObject({ param: "messages", code: "missing_required_parameter" });
    });

    it("rejects temperature 0 and max_tokens on gpt-5 models", async () => {
      const temperature = await post("/v1/chat/completions", chatBody({ model: "gpt-5-mini", temperature: 0 }));
      expect(temperature.status).toBe(400);
      expect(temperature.json.error).toMatchObject({ param: "temperature", code: "unsupported_value" });
      const maxTokens = await post("/v1/chat/completions", chatBody({ model: "gpt-5-mini", max_tokens: 100 }));
      expect(maxTokens.json.error).toMatchObject({ param: "max_tokens", code: "unsupported_parameter" });
      expect((await post("/v1/chat/completions", chatBody({ model: "gpt-5-mini", max_completion_tokens: 2000 }))).status).toBe(200);
    });

    it("answers context_length_exceeded when the messages outgrow the model", async () => {
      const huge = "word ".repeat(110_000);
      const { status, json } = await post("/v1/chat/completions", chatBody({ messages: [{ role: "user", content: huge }] }));
      expect(status).toBe(400);
      expect(json.error).toMatchObject({ type: "invalid_request_error", param: "messages", code: "context_length_exceeded" });
      expect(json.error.message).toMatch(/^This model's maximum context length is 128000 tokens\. However, your messages resulted in 13750\d tokens\./);
    });

    it("answers 404 for unknown paths", async () => {
      const { status, json } = await post("/v1/completions", {});
      expect(status).toBe(404);
      expect(json.error.message).toBe("Invalid URL (POST /v1/completions)");
    });

    it("lists models for a set-up check", async () => {
      const response = await fetch(`${emulator.service.url}/v1/models`, { headers: { authorization: "Bearer sk-test-abcdefghijklmnop" } });
      const json: any = await response.json();
      expect(json.object).toBe("list");
      expect(json.data.map((m: { id: string }) => m.id)).toContain("gpt-4o-mini");
    });
  });

  describe("scripted outcomes", () => {
    it("sends retry-after-ms with a rate limit", async () => {
      emulator.scriptNext({ kind: "rate-limit", retryAfterMs: 250 });
      const { status, headers, json } = await post("/v1/chat/completions", chatBody());
      expect(status).toBe(429);
      expect(headers.get("retry-after-ms")).toBe("250");
      expect(headers.get("retry-after")).toBe("1");
      expect(json.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded", param: null });
      expect(json.error.message).toMatch(/^Rate limit reached for gpt-4o-mini .* Please try again in 0\.25s\./);
    });

    it("uses each scripted outcome the given number of times", async () => {
      emulator.scriptNext({ kind: "insufficient-quota" }, { times: 2 });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post("/v1/chat/completions", chatBody())).status);
      expect(statuses).toEqual([429, 429, 200]);
    });

    it("answers a scripted 500 with the server_error body", async () => {
      emulator.scriptNext({ kind: "server-error" });
      const { status, json } = await post("/v1/chat/completions", chatBody());
      expect(status).toBe(500);
      expect(json).toEqual({
        error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null },
      });
    });

    it("answers a refusal with null content", async () => {
      emulator.scriptNext({ kind: "refusal", message: "I can't assist with that." });
      const { json } = await post("/v1/chat/completions", chatBody());
      expect(json.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: null, refusal: "I can't assist with that." } });
    });

    it("cuts the content off with finish_reason length", async () => {
      emulator.scriptNext({ kind: "length" });
      const { json } = await post("/v1/chat/completions", chatBody());
      expect(json.choices[0].finish_reason).toBe("length");
      expect(() => JSON.parse(json.choices[0].message.content)).toThrow(SyntaxError);
    });

    it("sends content outside the schema or not JSON at all", async () => {
      emulator.scriptNext({ kind: "schema-violation" });
      const violating = await post("/v1/chat/completions", chatBody());
      expect(JSON.parse(violating.json.choices[0].message.content).mood).toBe("Furious");
      emulator.scriptNext({ kind: "non-json-content" });
      const prose = await post("/v1/chat/completions", chatBody());
      expect(prose.json.choices[0].message.content).toMatch(/^Sure! Here is my analysis/);
    });

    it("sends an HTML 502", async () => {
      emulator.scriptNext({ kind: "bad-gateway" });
      const { status, headers, text } = await post("/v1/chat/completions", chatBody());
      expect(status).toBe(502);
      expect(headers.get("content-type")).toBe("text/html");
      expect(text).toContain("<title>502 Bad Gateway</title>");
    });

    it("scripts one endpoint without touching the other", async () => {
      emulator.scriptNext({ kind: "server-error" }, { endpoint: "responses" });
      expect((await post("/v1/chat/completions", chatBody())).status).toBe(200);
      expect((await post("/v1/responses", { model: "gpt-4o-mini", input: "Customer: hi" })).status).toBe(500);
    });
  });

  it("answers the Responses API with output_text and usage", async () => {
    const { status, json } = await post("/v1/responses", {
      model: "gpt-4o-mini",
      instructions: "Report the mood: Positive, Neutral, Negative or Urgent.",
      input: [{ role: "user", content: [{ type: "input_text", text: "Customer: thank you so much, it is resolved." }] }],
      text: { format: { type: "json_schema", name: "call_analysis", strict: true, schema: SCHEMA } },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ object: "response", status: "completed", incomplete_details: null, error: null, model: "gpt-4o-mini-2024-07-18" });
    expect(json.id).toMatch(/^resp_/);
    const [message] = json.output;
    expect(message).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(JSON.parse(message.content[0].text)).toMatchObject({ mood: "Positive" });
    expect(json.usage.total_tokens).toBe(json.usage.input_tokens + json.usage.output_tokens);
  });
});
