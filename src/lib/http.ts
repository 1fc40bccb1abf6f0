import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import axios, { AxiosError, type AxiosInstance } from "axios";
import { ServiceError, type ServiceName } from "./errors.js";

/** Socket errors after which the request cannot have reached the service. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);

export function createHttpClient(baseURL: string, timeoutMs: number): AxiosInstance {
  return axios.create({
    baseURL,
    timeout: timeoutMs,
    // Statuses are ours to interpret (a Zoho 204, Exotel's RestException bodies): never throw on them.
    validateStatus: () => true,
    // Responses are parsed by each adapter's zod schemas; keep the raw text so a garbage body is reported, not guessed at.
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    maxRedirects: 0,
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
  });
}

/** `Retry-After` as seconds or an HTTP date, `retry-after-ms` as milliseconds; null when absent or unreadable. */
export function retryAfterMs(headers: Record<string, unknown> | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers["retry-after"];
  if (typeof value !== "string" || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Turns a failure to get any answer (refused, dropped, timed out) into a ServiceError. The axios
 * error itself is not kept: its request config carries the credentials.
 */
export function networkError(error: unknown, service: ServiceName, operation: string, callSid?: string): ServiceError {
  if (error instanceof ServiceError) return error;
  const code = error instanceof AxiosError ? (error.code ?? null) : ((error as NodeJS.ErrnoException)?.code ?? null);
  const timedOut = code === "ECONNABORTED" || code === "ETIMEDOUT";
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
