import { randomUUID } from "node:crypto";
import type { SandboxResponse } from "../core/http-service.js";
import type { Fault } from "../core/faults.js";

/**
 * Deepgram's failure bodies for `/v1/listen` (deepgram.md §3): `{err_code, err_msg, request_id}`.
 * Codes and messages marked [U] in the reference are the documented-most-likely ones.
 */
const CATALOG: Record<number, { code: string; message: string; text: string }> = {
  400: { code: "Bad Request", message: "Bad Request: failed to process audio: corrupt or unsupported data", text: "Bad Request" },
  401: { code: "INVALID_AUTH", message: "Invalid credentials.", text: "Unauthorized" },
  402: {
    code: "ASR_PAYMENT_REQUIRED",
    message: "Project does not have enough credits for an ASR request and does not have an overage agreement.",
    text: "Payment Required",
  },
  403: { code: "INSUFFICIENT_PERMISSIONS", message: "Project does not have access to the requested model.", text: "Forbidden" },
  413: { code: "PAYLOAD_TOO_LARGE", message: "Payload too large: the request body must not exceed 2 GB.", text: "Payload Too Large" },
  422: { code: "SLOW_UPLOAD", message: "The request body was not received in full before the upload timed out.", text: "Unprocessable Entity" },
  429: { code: "TOO_MANY_REQUESTS", message: "Too many requests. Please try again later.", text: "Too Many Requests" },
  500: { code: "INTERNAL_SERVER_ERROR", message: "An internal server error occurred. Please try again later.", text: "Internal Server Error" },
  502: { code: "BAD_GATEWAY", message: "Bad gateway.", text: "Bad Gateway" },
  503: { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable. Please try again later.", text: "Service Unavailable" },
  504: { code: "GATEWAY_TIMEOUT", message: "The request timed out while the audio was being processed.", text: "Gateway Timeout" },
};

export interface DeepgramErrorOptions {
  requestId?: string;
  /** Overrides the catalogue's `err_msg`. */
  message?: string;
  /** Overrides the catalogue's `err_code`. */
  code?: string;
  /** Adds a `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** A plain-text body instead of JSON, as proxies in front of the API answer. */
  text?: boolean;
}

export function requestIdHeaders(requestId: string): Record<string, string> {
  return { "dg-request-id": requestId, "x-request-id": requestId };
}

export function deepgramErrorResponse(status: number, options: DeepgramErrorOptions = {}): SandboxResponse {
  const requestId = options.requestId ?? randomUUID();
  const entry = CATALOG[status] ?? { code: `HTTP_${status}`, message: `Request failed with status ${status}.`, text: `Error ${status}` };
  const headers: Record<string, string> = { ...requestIdHeaders(requestId) };
  if (options.retryAfterSeconds !== undefined) headers["retry-after"] = String(options.retryAfterSeconds);
  if (options.text) return { status, headers: { ...headers, "content-type": "text/plain; charset=utf-8" }, body: options.message ?? entry.text };
  return {
    status,
    headers: { ...headers, "content-type": "application/json" },
    body: { err_code: options.code ?? entry.code, err_msg: options.message ?? entry.message, request_id: requestId },
  };
}

/** The same failure as a scripted fault, for `service.faults.add({ fault })`. */
export function deepgramErrorFault(status: number, options: DeepgramErrorOptions = {}): Fault {
  const response = deepgramErrorResponse(status, options);
  return { kind: "status", status, headers: response.headers, body: response.body };
}
