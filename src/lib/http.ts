import { Agent, request as undiciRequest } from "undici";
import { ServiceError, type ServiceName } from "./errors.js";

/** Socket errors after which the request cannot have reached the service. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ECONNABORTED", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export const USER_AGENT = "zoho-call-tickets";

export interface HttpRequest {
  method?: "GET" | "POST";
  /** Relative to the client's base URL, or a whole URL (a recording on another host). */
  url: string;
  query?: Record<string, string>;
  body?: string;
  headers?: Record<string, string>;
  /** Longest silence allowed while waiting for the answer's headers or between pieces of its body. */
  timeoutMs?: number;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: T;
}

/** The little of HTTP the adapters need: an answer whatever its status, as text. (Recordings go through downloadToFile.) */
export interface HttpClient {
  text(request: HttpRequest): Promise<HttpResponse<string>>;
}

/**
 * An HTTP client for one service, on undici's keep-alive connection pool. Statuses are the
 * adapters' to interpret (a Zoho 204, Exotel's RestException bodies), so no status throws; only
 * a failure to get an answer does, which `networkError` turns into a ServiceError.
 *
 * undici rather than axios: one request and its answer cost about a third of axios's CPU
 * (bench/RESULTS.md has the measurements).
 */
export function createHttpClient(baseURL: string, timeoutMs: number): HttpClient {
  const base = baseURL.replace(/\/+$/, "");
  const dispatcher = new Agent();
  const send = (request: HttpRequest) => {
    const url = /^https?:\/\//i.test(request.url) ? new URL(request.url) : new URL(`${base}/${request.url.replace(/^\/+/, "")}`);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const timeout = request.timeoutMs ?? timeoutMs;
    return undiciRequest(url, {
      dispatcher,
      method: request.method ?? "GET",
      headers: { "user-agent": USER_AGENT, ...request.headers },
      body: request.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  };
  return {
    async text(request) {
      const response = await send(request);
      return { status: response.statusCode, headers: response.headers, data: await response.body.text() };
    },
  };
}

/** `Retry-After` as seconds or an HTTP date, `retry-after-ms` as milliseconds; null when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown> | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return Math.min(ms, MAX_RETRY_AFTER_MS);
  const value = headers["retry-after"];
  if (typeof value !== "string" || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** A longer Retry-After is taken as a day: a service back after more than that is a case for a person, and a pause past Date's range would break. */
const MAX_RETRY_AFTER_MS = 86_400_000;

/**
 * Turns a failure to get any answer (refused, dropped, timed out) into a ServiceError. The
 * original error is not kept: it may carry the request, and the request carries credentials.
 */
export function networkError(error: unknown, service: ServiceName, operation: string, callSid?: string): ServiceError {
  if (error instanceof ServiceError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code ?? null;
  const timedOut = code !== null && TIMEOUT_CODES.has(code);
  const notSent = code !== null && NOT_SENT_CODES.has(code);
  const what = timedOut ? "timed out" : notSent ? "could not connect" : "connection failed";
  return new ServiceError(`${service}: ${operation} ${what}${code ? ` (${code})` : ""}`, {
    service,
    operation,
    status: null,
    code,
    transient: true,
    maybeApplied: !notSent,
    callSid: callSid ?? null,
  });
}

/** A statusful failure: 429 and 5xx are transient; a 5xx write may have been applied. */
export function statusError(
  service: ServiceName,
  operation: string,
  status: number,
  detail: { code?: string | null; message?: string | null; retryAfterMs?: number | null; callSid?: string | null },
): ServiceError {
  const transient = status === 429 || status === 408 || status >= 500;
  const parts = [`HTTP ${status}`, detail.code, detail.message].filter(Boolean).join(" ");
  return new ServiceError(`${service}: ${operation} failed: ${parts}`, {
    service,
    operation,
    status,
    code: detail.code ?? null,
    transient,
    retryAfterMs: detail.retryAfterMs ?? null,
    maybeApplied: status >= 500,
    callSid: detail.callSid ?? null,
  });
}
