import type { SandboxResponse } from "../core/http-service.js";

/** The `error` object OpenAI puts in every failure body (openai.md §5). */
export interface OpenAIErrorObject {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function openAIError(status: number, error: OpenAIErrorObject, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: { error } };
}

/** OpenAI shows a key as its first and last few characters, never whole. */
function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 5)}***${key.slice(-2)}`;
}

export function invalidApiKey(presented: string | null): SandboxResponse {
  const message =
    presented === null
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."
      : `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return openAIError(401, { message, type: "invalid_request_error", param: null, code: "invalid_api_key" });
}

export function invalidRequest(message: string, param: string | null, code: string | null = null): SandboxResponse {
  return openAIError(400, { message, type: "invalid_request_error", param, code });
}

export function invalidUrl(method: string, path: string): SandboxResponse {
  return openAIError(404, { message: `Invalid URL (${method} ${path})`, type: "invalid_request_error", param: null, code: null });
}

export function rateLimitExceeded(model: string, retryAfterMs: number): SandboxResponse {
  const seconds = Math.max(retryAfterMs / 1000, 0);
  return openAIError(
    429,
    {
      message: `Rate limit reached for ${model} in organization org-sandbox on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${seconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      type: "requests",
      param: null,
      code: "rate_limit_exceeded",
    },
    {
      "retry-after-ms": String(retryAfterMs),
      "retry-after": String(Math.ceil(seconds)),
      "x-ratelimit-limit-requests": "500",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": `${retryAfterMs}ms`,
    },
  );
}

export function insufficientQuota(): SandboxResponse {
  return openAIError(429, {
    message:
      "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
    type: "insufficient_quota",
    param: null,
    code: "insufficient_quota",
  });
}

export function serverError(retryAfterMs?: number): SandboxResponse {
  return openAIError(
    500,
    { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null },
    retryAfterMs === undefined ? {} : { "retry-after-ms": String(retryAfterMs) },
  );
}

export function contextLengthExceeded(limit: number, requested: number, param = "messages"): SandboxResponse {
  return invalidRequest(
    `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${requested} tokens. Please reduce the length of the messages.`,
    param,
    "context_length_exceeded",
  );
}

/** What a proxy in front of OpenAI answers when the upstream fails: HTML, not JSON. */
export function badGateway(): SandboxResponse {
  return {
    status: 502,
    headers: { "content-type": "text/html" },
    body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n",
  };
}
