import { randomBytes } from "node:crypto";
import { EmulatedService, type SandboxRequest, type SandboxResponse } from "../core/http-service.js";
import type { RegisteredAnalysis } from "./answer.js";
import { chatCompletion } from "./chat-completions.js";
import type { EndpointContext } from "./context.js";
import { invalidApiKey, invalidUrl } from "./errors.js";
import { OutcomeScript, type Endpoint, type ScriptOptions, type ScriptedOutcome } from "./outcomes.js";
import { parseJsonBody } from "./request-checks.js";
import { createResponse } from "./responses.js";
import { isObject, type JsonObject } from "./strict-schema.js";

/** The key the sandbox accepts unless told otherwise. */
export const SANDBOX_OPENAI_API_KEY = "sk-sandbox-4f1c2a9e7b3d4c5e8a6b";

export interface OpenAIEmulatorOptions {
  /** The one key accepted as `Authorization: Bearer <key>`. */
  apiKey?: string;
  now?: () => number;
  /** Added before every answer, in ms. */
  latencyMs?: number;
}

/** One logged request to an analysis endpoint, read back for assertions. */
export interface RecordedAnalysisRequest {
  /** The service's request number. */
  id: number;
  endpoint: Endpoint;
  /** The parsed JSON body, or null when it was not JSON. */
  body: JsonObject | null;
  model: string | null;
  /** `response_format` (Chat Completions) or `text.format` (Responses), as sent. */
  responseFormat: unknown;
  /** The SDK's `x-stainless-retry-count`: 0 on the first attempt, 1 on the first retry… */
  retryCount: number | null;
  authorization: string | null;
  /** The status answered; null while pending or when the connection was dropped. */
  status: number | null;
}

export interface OpenAIEmulator {
  service: EmulatedService;
  apiKey: string;
  /**
   * Requests whose messages contain `needle` (e.g. a call SID or a phrase of its transcript) get
   * this analysis, fitted to the schema they send. The latest registration that matches wins.
   */
  registerAnalysis(needle: string, analysis: RegisteredAnalysis): void;
  clearAnalyses(): void;
  /** The next matching request(s) get `outcome` instead of a normal answer; returns a remover. */
  scriptNext(outcome: ScriptedOutcome, options?: ScriptOptions): () => void;
  /** The next matching request(s) get no answer: held `ms` (default: until the service stops), then dropped. */
  hangNext(options?: { times?: number; ms?: number; endpoint?: Endpoint }): () => void;
  /** Forgets scripted outcomes and hangs. */
  clearScripts(): void;
  /** Logged requests to /v1/chat/completions and /v1/responses, oldest first. */
  analysisRequests(): RecordedAnalysisRequest[];
}

const ENDPOINT_PATHS: Record<Endpoint, string> = { chat: "/v1/chat/completions", responses: "/v1/responses" };

function endpointOf(path: string): Endpoint | null {
  const clean = path.replace(/\/+$/, "");
  if (clean === ENDPOINT_PATHS.chat) return "chat";
  if (clean === ENDPOINT_PATHS.responses) return "responses";
  return null;
}

function bearerKey(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(.+)$/i.exec(value ?? "");
  return match?.[1]?.trim() ?? null;
}

function singleHeader(header: string | string[] | undefined): string | null {
  return (Array.isArray(header) ? header[0] : header) ?? null;
}

const MODELS = ["gpt-4o-mini", "gpt-4o-mini-2024-07-18", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-5-mini", "gpt-5-nano"];

/** The OpenAI API as the daemon uses it, on 127.0.0.1 (openai.md §8). `baseURL` is `${service.url}/v1`. */
export function createOpenAIEmulator(options: OpenAIEmulatorOptions = {}): OpenAIEmulator {
  const apiKey = options.apiKey ?? SANDBOX_OPENAI_API_KEY;
  const now = options.now ?? Date.now;
  const analyses = new Map<string, RegisteredAnalysis>();
  const script = new OutcomeScript();
  const hangRemovers = new Set<() => void>();

  const context: EndpointContext = {
    now,
    findAnalysis(text) {
      const entries = [...analyses.entries()].reverse();
      return entries.find(([needle]) => text.includes(needle))?.[1] ?? null;
    },
    takeOutcome: (endpoint, text) => script.take(endpoint, text),
    newId: (prefix) => `${prefix}${randomBytes(12).toString("hex")}`,
  };

  function route(request: SandboxRequest): SandboxResponse {
    const key = bearerKey(request.headers.authorization);
    if (key !== apiKey) return invalidApiKey(key);
    const endpoint = endpointOf(request.path);
    if (endpoint && request.method === "POST") {
      const body = parseJsonBody(request.body);
      if (!body.ok) return body.response;
      return endpoint === "chat" ? chatCompletion(body.value, context) : createResponse(body.value, context);
    }
    if (request.method === "GET" && request.path === "/v1/models") {
      return { status: 200, body: { object: "list", data: MODELS.map((id) => ({ id, object: "model", created: 1_721_172_741, owned_by: "system" })) } };
    }
    const model = /^\/v1\/models\/([^/]+)$/.exec(request.path)?.[1];
    if (request.method === "GET" && model !== undefined) {
      if (MODELS.includes(model)) return { status: 200, body: { id: model, object: "model", created: 1_721_172_741, owned_by: "system" } };
      return {
        status: 404,
        body: { error: { message: `The model '${model}' does not exist or you do not have access to it.`, type: "invalid_request_error", param: null, code: "model_not_found" } },
      };
    }
    return invalidUrl(request.method, request.path);
  }

  function handle(request: SandboxRequest): SandboxResponse {
    const started = now();
    const response = route(request);
    return {
      ...response,
      headers: {
        "content-type": "application/json",
        ...response.headers,
        "x-request-id": context.newId("req_"),
        "openai-version": "2020-10-01",
        "openai-organization": "org-sandbox",
        "openai-processing-ms": String(Math.max(1, now() - started)),
      },
    };
  }

  const service = new EmulatedService("openai", handle, { now, latencyMs: options.latencyMs });

  return {
    service,
    apiKey,
    registerAnalysis(needle, analysis) {
      if (needle === "") throw new Error("registerAnalysis needs a non-empty needle");
      analyses.delete(needle);
      analyses.set(needle, analysis);
    },
    clearAnalyses: () => analyses.clear(),
    scriptNext: (outcome, scriptOptions) => script.add(outcome, scriptOptions),
    hangNext(hang = {}) {
      const path = hang.endpoint ? ENDPOINT_PATHS[hang.endpoint] : /^\/v1\/(chat\/completions|responses)\/?$/;
      const remove = service.faults.add({ match: { method: "POST", path }, times: hang.times ?? 1, fault: { kind: "stall", ms: hang.ms } });
      hangRemovers.add(remove);
      return () => {
        hangRemovers.delete(remove);
        remove();
      };
    },
    clearScripts() {
      script.clear();
      for (const remove of hangRemovers) remove();
      hangRemovers.clear();
    },
    analysisRequests() {
      return service.requests.flatMap((r): RecordedAnalysisRequest[] => {
        const endpoint = endpointOf(r.path);
        if (!endpoint || r.method !== "POST") return [];
        const parsed = parseJsonBody(r.body);
        const body = parsed.ok ? parsed.value : null;
        const text = body && isObject(body["text"]) ? body["text"] : {};
        const retry = singleHeader(r.headers["x-stainless-retry-count"]);
        return [
          {
            id: r.id,
            endpoint,
            body,
            model: typeof body?.["model"] === "string" ? body["model"] : null,
            responseFormat: endpoint === "chat" ? body?.["response_format"] : text["format"],
            retryCount: retry === null ? null : Number(retry),
            authorization: singleHeader(r.headers.authorization),
            status: r.responseStatus,
          },
        ];
      });
    },
  };
}
